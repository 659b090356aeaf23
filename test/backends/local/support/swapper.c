/*
 * Exchanges two names (a folder and a symlink to a folder outside the root) as fast as it can,
 * with renameat2(RENAME_EXCHANGE), for the given number of seconds; ends with the folder back in
 * place and prints how many swaps it made. Built by swapper.ts with gcc when gcc is there.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int exchange(const char *a, const char *b) {
  return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: swapper <folder> <link> <seconds>\n");
    return 64;
  }
  double seconds = atof(argv[3]);
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  long swaps = 0;
  for (;;) {
    if (exchange(argv[1], argv[2]) != 0) {
      perror("renameat2");
      return 2;
    }
    swaps++;
    if ((swaps & 255) == 0) {
      clock_gettime(CLOCK_MONOTONIC, &now);
      double elapsed = (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
      if (elapsed >= seconds) break;
    }
  }
  if (swaps & 1) {
    if (exchange(argv[1], argv[2]) != 0) return 2;
    swaps++;
  }
  printf("%ld\n", swaps);
  return 0;
}
