/*
 * SPDX-License-Identifier: Apache-2.0
 *
 * cli/assembly.h - read a cloud assembly (cdk.out) for `ls` and `synth`.
 *
 * Works on any assembly: ours or one written by aws-cdk-lib. Stacks are
 * listed in manifest order; nested assemblies (cdk:cloud-assembly
 * artifacts, from Stages) are read recursively.
 */
#ifndef CLI_ASSEMBLY_H
#define CLI_ASSEMBLY_H

#include <stdio.h>

#include "json/json.h"

/* Highest cloud-assembly schema major version this tool reads (aws-cdk-lib
 * 2.276.0 writes "55.0.0"). */
#define CLI_ASSEMBLY_SCHEMA_MAJOR 55

typedef struct {
	char *dir;           /* the assembly directory */
	ecra_json *manifest; /* manifest.json */
} cli_assembly;

/*
 * Load DIR/manifest.json and check it is a cloud assembly this tool
 * understands. On failure prints "ecra: <dir>: <why>" and returns -1.
 */
int cli_assembly_load(cli_assembly *asm_out, const char *dir);
void cli_assembly_dispose(cli_assembly *a);

/* Print the stacks, one per line: "<artifact id> <environment>". */
int cli_assembly_print_stacks(FILE *f, const cli_assembly *a);

/*
 * Print stacks with their docker image assets (the `ls` format, see
 * docs/cli.md), or as JSON when `json` is set. Returns 0 or -1 (printed).
 */
int cli_assembly_print_ls(FILE *f, const cli_assembly *a, bool json);

#endif /* CLI_ASSEMBLY_H */
