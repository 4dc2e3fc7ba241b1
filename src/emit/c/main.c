/*
 * main.c - test harness for the emitted model: reads MSF_INPUT_BYTES raw int8 bytes from a file,
 * runs the model, writes MSF_OUTPUT_BYTES raw bytes to a file and prints a checksum line.
 *   host:         ./msf_model input.bin output.bin
 *   Cortex-M (semihosting, picolibc --crt0=hosted: no command line): the file names default to
 *                 MSF_INPUT_FILE / MSF_OUTPUT_FILE (input.bin / output.bin, relative to the
 *                 directory qemu runs in). Define MSF_PRINT_HEX to also print the output as hex.
 * The I/O buffers come from malloc here, in the harness only: the model itself allocates nothing
 * (its only RAM is the static arena in msf_model.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "msf_model.h"

#ifndef MSF_INPUT_FILE
#define MSF_INPUT_FILE "input.bin"
#endif
#ifndef MSF_OUTPUT_FILE
#define MSF_OUTPUT_FILE "output.bin"
#endif

int main(int argc, char **argv)
{
    const char *in_path = argc > 1 ? argv[1] : MSF_INPUT_FILE;
    const char *out_path = argc > 2 ? argv[2] : MSF_OUTPUT_FILE;
    int8_t *in = (int8_t *)malloc(MSF_INPUT_BYTES);
    int8_t *out = (int8_t *)malloc(MSF_OUTPUT_BYTES);
    unsigned long hash = 2166136261ul; /* FNV-1a, 32 bits */
    size_t got;
    long i;
    int rc;
    FILE *f;
    if (!in || !out) {
        fprintf(stderr, "msf: out of memory for the input and output buffers\n");
        return 1;
    }
    f = fopen(in_path, "rb");
    if (!f) {
        fprintf(stderr, "msf: cannot open %s\n", in_path);
        return 1;
    }
    got = fread(in, 1, MSF_INPUT_BYTES, f);
    if (got != (size_t)MSF_INPUT_BYTES || fgetc(f) != EOF) {
        fprintf(stderr, "msf: %s must hold exactly %ld bytes\n", in_path, (long)MSF_INPUT_BYTES);
        fclose(f);
        return 1;
    }
    fclose(f);
    rc = msf_model_run(in, out);
    if (rc != 0) {
        fprintf(stderr, "msf: msf_model_run failed with code %d\n", rc);
        return 2;
    }
    f = fopen(out_path, "wb");
    if (!f || fwrite(out, 1, MSF_OUTPUT_BYTES, f) != (size_t)MSF_OUTPUT_BYTES) {
        fprintf(stderr, "msf: cannot write %s\n", out_path);
        if (f) fclose(f);
        return 1;
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "msf: cannot write %s\n", out_path);
        return 1;
    }
    for (i = 0; i < (long)MSF_OUTPUT_BYTES; i++) {
        hash ^= (unsigned long)(unsigned char)out[i];
        hash = (hash * 16777619ul) & 0xfffffffful;
    }
#ifdef MSF_PRINT_HEX
    for (i = 0; i < (long)MSF_OUTPUT_BYTES; i++) printf("%02x%s", (unsigned)(unsigned char)out[i], (i % 32 == 31) ? "\n" : "");
    printf("\n");
#endif
    printf("msf: ok, %ld output bytes written to %s, fnv1a32 %08lx\n", (long)MSF_OUTPUT_BYTES, out_path, hash);
    free(in);
    free(out);
    return 0;
}
