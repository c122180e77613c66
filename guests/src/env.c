/*
 * env - prints what a WASI command was given, for the CLI's tests:
 * `arg: A` per argument, `env: K=V` per environment variable, and with
 * `--cat FILE`, `file: ` followed by the file's first line. `--exit N`
 * exits with N. No wasi-http imports: it checks --http auto leaves them out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv) {
  int code = 0;
  for (int i = 0; i < argc; i++) printf("arg: %s\n", argv[i]);
  for (char **e = environ; *e; e++) printf("env: %s\n", *e);
  for (int i = 1; i + 1 < argc; i++) {
    if (strcmp(argv[i], "--exit") == 0) code = atoi(argv[i + 1]);
    if (strcmp(argv[i], "--cat") == 0) {
      FILE *f = fopen(argv[i + 1], "r");
      if (!f) {
        printf("file: cannot open %s\n", argv[i + 1]);
        continue;
      }
      char line[256] = {0};
      if (fgets(line, sizeof line, f)) printf("file: %s", line);
      fclose(f);
    }
  }
  fflush(stdout);
  return code;
}
