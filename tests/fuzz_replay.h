/* SPDX-License-Identifier: MIT */
/*
 * Replay a libFuzzer harness's seed corpus (and the campaign's reproducers)
 * as an ordinary test, without libFuzzer: each file goes through the
 * harness's LLVMFuzzerTestOneInput, which aborts on any finding, so a
 * regression fails the test (and ASan/UBSan builds check memory too).
 * Include after the harness's own source.
 */
#ifndef BOOTMM_TESTS_FUZZ_REPLAY_H
#define BOOTMM_TESTS_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Feed every regular file under @dir (recursively) to the harness. */
static unsigned replay_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	if (!d) {
		fprintf(stderr, "replay: cannot open %s\n", dir);
		exit(1);
	}
	while ((e = readdir(d))) {
		char path[1024];
		FILE *f;
		unsigned char *buf;
		long len;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (e->d_type == DT_DIR) {
			n += replay_dir(path);
			continue;
		}
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
			fprintf(stderr, "replay: cannot read %s\n", path);
			exit(1);
		}
		buf = malloc((size_t)len + 1);
		if (!buf || fread(buf, 1, (size_t)len, f) != (size_t)len) {
			fprintf(stderr, "replay: cannot read %s\n", path);
			exit(1);
		}
		fclose(f);
		printf("replay %s (%ld bytes)\n", path, len);
		fflush(stdout);
		LLVMFuzzerTestOneInput(buf, (size_t)len);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

#endif
