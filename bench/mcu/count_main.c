/*
 * count_main.c - the bench's harness for one emitted model on a Cortex-M under qemu (semihosting):
 * reads input.bin, runs msf_model_run once between two reads of a SysTick-based tick counter,
 * writes output.bin and prints the tick counts. SysTick runs on the processor clock (CSR = 7),
 * reloads at 0xFFFFFF and its interrupt counts the wraps. Under qemu -icount shift=6 every
 * instruction takes 64 ns and the mps2 SysTick ticks at 25 MHz, so instructions = ticks x 40 / 64
 * (bench/mcu.ts does the arithmetic, checks it on the calibration loop and subtracts the empty
 * measurement). An instruction count is not a cycle count.
 *
 * Built with -DMSF_PROFILE it also sums the ticks of each layer's kernel calls and cache slides
 * (the library's msf_profile_enter/leave hooks) and prints them as " prof <layer address> <what>
 * <ticks> <calls>"; an empty enter/leave pair is printed as what 2 (its cost, subtracted per call).
 */
#include <stdint.h>
#include <stdio.h>

#include "msf_model.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SCB_ICSR (*(volatile uint32_t *)0xE000ED04u)
#define ICSR_PENDSTSET (1u << 26)
#define RELOAD 0xFFFFFFu

static volatile uint32_t wraps;

void arm_systick_isr(void); /* picolibc's vector table entry (weak there) */
void arm_systick_isr(void) { wraps++; }

/* Ticks since start; a wrap that is pending but not yet counted is counted here. */
static uint64_t ticks(void)
{
    uint32_t w, v;
    __asm__ volatile("cpsid i" ::: "memory");
    w = wraps;
    v = SYST_CVR;
    if (SCB_ICSR & ICSR_PENDSTSET) {
        v = SYST_CVR;
        w++;
    }
    __asm__ volatile("cpsie i" ::: "memory");
    return ((uint64_t)w << 24) + (RELOAD - v);
}

/* n iterations of two instructions (subs, bne). */
static void spin(uint32_t n)
{
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

/* " name hi:lo" in hex (counts may pass 2^32; no 64-bit printf needed). */
static void print_ticks(const char *name, uint64_t t)
{
    printf(" %s %lx:%08lx", name, (unsigned long)(t >> 32), (unsigned long)(t & 0xffffffffu));
}

#if defined(MSF_PROFILE)
#include "msf_internal.h"

#define PROF_MAX 1024
static struct {
    const msf_layer *d;
    int32_t what;
    uint32_t calls;
    uint64_t ticks;
} prof[PROF_MAX];
static int32_t prof_n;
static uint64_t prof_t0;

void msf_profile_enter(const msf_layer *d, int32_t what)
{
    (void)d;
    (void)what;
    prof_t0 = ticks();
}

void msf_profile_leave(const msf_layer *d, int32_t what)
{
    const uint64_t t = ticks() - prof_t0;
    int32_t i;
    for (i = 0; i < prof_n && (prof[i].d != d || prof[i].what != what); i++) continue;
    if (i == PROF_MAX) return;
    if (i == prof_n) {
        prof_n++;
        prof[i].d = d;
        prof[i].what = what;
    }
    prof[i].calls++;
    prof[i].ticks += t;
}

static void print_prof(void)
{
    int32_t i;
    for (i = 0; i < prof_n; i++) {
        printf(" prof %lx %ld", (unsigned long)(uintptr_t)prof[i].d, (long)prof[i].what);
        print_ticks("t", prof[i].ticks);
        printf(" %lu", (unsigned long)prof[i].calls);
    }
}

/* 100 empty enter/leave pairs: the hooks' own cost per call. */
static void calibrate_prof(void)
{
    int32_t i;
    for (i = 0; i < 100; i++) {
        msf_profile_enter(NULL, 2);
        msf_profile_leave(NULL, 2);
    }
}
#endif

static int8_t in[MSF_INPUT_BYTES];
static int8_t out[MSF_OUTPUT_BYTES];

int main(void)
{
    uint64_t t0, t1, empty, cal1, cal2, run;
    FILE *f;
    int rc;
    SYST_RVR = RELOAD;
    SYST_CVR = 0;
    SYST_CSR = 7;
    f = fopen("input.bin", "rb");
    if (!f || fread(in, 1, MSF_INPUT_BYTES, f) != (size_t)MSF_INPUT_BYTES) {
        printf("msf-bench: cannot read input.bin\n");
        return 1;
    }
    fclose(f);
    t0 = ticks();
    t1 = ticks();
    empty = t1 - t0;
    t0 = ticks();
    spin(100000);
    cal1 = ticks() - t0;
    t0 = ticks();
    spin(200000);
    cal2 = ticks() - t0;
#if defined(MSF_PROFILE)
    calibrate_prof();
#endif
    t0 = ticks();
    rc = msf_model_run(in, out);
    run = ticks() - t0;
    f = fopen("output.bin", "wb");
    if (!f || fwrite(out, 1, MSF_OUTPUT_BYTES, f) != (size_t)MSF_OUTPUT_BYTES) {
        printf("msf-bench: cannot write output.bin\n");
        return 1;
    }
    fclose(f);
    printf("msf-bench rc %d", rc);
    print_ticks("empty", empty);
    print_ticks("cal100000", cal1);
    print_ticks("cal200000", cal2);
    print_ticks("run", run);
#if defined(MSF_PROFILE)
    print_prof();
#endif
    printf("\n");
    return rc == 0 ? 0 : 2;
}
