/*
 * main.c - test harness for the emitted model: reads MSF_INPUT_BYTES raw int8 bytes from a file,
 * runs the model, writes MSF_OUTPUT_BYTES raw bytes to a file and prints a checksum line.
 *   host:         ./msf_model input.bin output.bin
 *   Cortex-M (semihosting, picolibc --crt0=hosted: no command line): the file names default to
 *                 MSF_INPUT_FILE / MSF_OUTPUT_FILE (input.bin / output.bin, relative to the
 *                 directory qemu runs in). Define MSF_PRINT_HEX to also print the output as hex.
 * A model with several inputs or outputs (msf_model.h defines MSF_INPUTS): one file per input, then
 * one per output, in the model's order (./msf_model in_0.bin in_1.bin out_0.bin; defaults
 * input_<i>.bin / output_<j>.bin); the checksum runs over the outputs in order.
 * The I/O buffers come from malloc here, in the harness only: the model itself allocates nothing
 * (its only RAM is the static arena in msf_model.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "msf_model.h"

#ifdef MSF_INPUTS
/* Reads exactly n bytes of path into a new buffer, or returns NULL with a message. */
static int8_t *msf_read_file(const char *path, long n)
{
    int8_t *b = (int8_t *)malloc((size_t)n);
    FILE *f = fopen(path, "rb");
    if (!b || !f) {
        fprintf(stderr, "msf: cannot read %s\n", path);
        if (f) fclose(f);
        free(b);
        return NULL;
    }
    if (fread(b, 1, (size_t)n, f) != (size_t)n || fgetc(f) != EOF) {
        fprintf(stderr, "msf: %s must hold exactly %ld bytes\n", path, n);
        fclose(f);
        free(b);
        return NULL;
    }
    fclose(f);
    return b;
}

int main(int argc, char **argv)
{
    static const long in_bytes[MSF_INPUTS] = MSF_INPUT_BYTES_LIST;
    static const long out_bytes[MSF_OUTPUTS] = MSF_OUTPUT_BYTES_LIST;
    const int8_t *in[MSF_INPUTS];
    int8_t *out[MSF_OUTPUTS];
    char name[32];
    unsigned long hash = 2166136261ul; /* FNV-1a, 32 bits, over the outputs in order */
    long total = 0, i;
    int k, rc;
    for (k = 0; k < MSF_INPUTS; k++) {
        sprintf(name, "input_%d.bin", k);
        in[k] = msf_read_file(argc > 1 + k ? argv[1 + k] : name, in_bytes[k]);
        if (!in[k]) return 1;
    }
    for (k = 0; k < MSF_OUTPUTS; k++) {
        out[k] = (int8_t *)malloc((size_t)out_bytes[k]);
        if (!out[k]) {
            fprintf(stderr, "msf: out of memory for the output buffers\n");
            return 1;
        }
    }
    rc = msf_model_run_all(in, out);
    if (rc != 0) {
        fprintf(stderr, "msf: msf_model_run failed with code %d\n", rc);
        return 2;
    }
    for (k = 0; k < MSF_OUTPUTS; k++) {
        const char *path;
        FILE *f;
        sprintf(name, "output_%d.bin", k);
        path = argc > 1 + MSF_INPUTS + k ? argv[1 + MSF_INPUTS + k] : name;
        f = fopen(path, "wb");
        if (!f || fwrite(out[k], 1, (size_t)out_bytes[k], f) != (size_t)out_bytes[k] || fclose(f) != 0) {
            fprintf(stderr, "msf: cannot write %s\n", path);
            return 1;
        }
        for (i = 0; i < out_bytes[k]; i++) {
            hash ^= (unsigned long)(unsigned char)out[k][i];
            hash = (hash * 16777619ul) & 0xfffffffful;
        }
        total += out_bytes[k];
        free(out[k]);
    }
    for (k = 0; k < MSF_INPUTS; k++) free((void *)in[k]);
    printf("msf: ok, %ld output bytes written to %d files, fnv1a32 %08lx\n", total, MSF_OUTPUTS, hash);
    return 0;
}
#else

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
#endif /* MSF_INPUTS */
