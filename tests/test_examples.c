// SPDX-License-Identifier: MIT
/*
 * Every scenario in examples/ boots and meets the outcomes written in it: each
 * "expect POLICY KEY=VALUE" line is checked under that policy, with the
 * scenario's own configuration. An example without expectations fails, so
 * that an example cannot silently stop demonstrating anything.
 */
#include <dirent.h>

#include "check.h"
#include "sim/scenario.h"

static struct bm_scenario scn;

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_example(const char *path)
{
	struct bm_parse_error err;
	unsigned policies = 0, checked = 0;

	if (bm_scenario_parse_file(path, &scn, &err)) {
		fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.msg);
		check_failed_in_test++;
		return;
	}
	CHECK(scn.nr_expects > 0);
	for (unsigned i = 0; i < scn.nr_expects; i++)
		policies |= scn.expects[i].policies;
	for (int p = 0; p < BM_NR_POLICIES; p++) {
		struct bm_machine_desc d;
		struct bm_sim_config cfg;
		struct bm_sim_run *run;
		int e = 0;

		if (!(policies & (1u << p)))
			continue;
		if (bm_scenario_build(&scn, NULL, &d, &cfg, &err)) {
			fprintf(stderr, "%s:%u: %s\n", err.file, err.line, err.msg);
			check_failed_in_test++;
			return;
		}
		cfg.release_policy = p;
		run = bm_sim_boot(&d, &cfg, NULL, 0, &e);
		if (!run) {
			fprintf(stderr, "%s: boot under %s failed (%d)\n", path, bm_policy_name(p), e);
			check_failed_in_test++;
			bm_scenario_desc_free(&d);
			continue;
		}
		for (unsigned i = 0; i < scn.nr_expects; i++) {
			const struct bm_scn_expect *x = &scn.expects[i];
			char what[96];

			if (!(x->policies & (1u << p)))
				continue;
			checked++;
			if (bm_scenario_expect_holds(x, &run->res))
				continue;
			bm_scenario_expect_format(x, what, sizeof(what));
			fprintf(stderr, "%s:%u: expect %s %s failed: actual %lld\n", path, x->line,
				bm_policy_name(p), what, (long long)bm_result_value(&run->res, x->key));
			check_failed_in_test++;
		}
		bm_sim_run_free(run);
		bm_scenario_desc_free(&d);
	}
	printf("     %s: %u expectations\n", path, checked);
}

static void test_examples(void)
{
	const char *dir = BOOTMM_SOURCE_DIR "/examples";
	DIR *dp = opendir(dir);
	struct dirent *de;
	char *names[256];
	size_t n = 0;

	CHECK(dp != NULL);
	if (!dp)
		return;
	while ((de = readdir(dp)) && n < BM_ARRAY_SIZE(names)) {
		if (bm_scenario_is_file(de->d_name)) {
			names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
			sprintf(names[n++], "%s/%s", dir, de->d_name);
		}
	}
	closedir(dp);
	CHECK(n >= 5);	/* one per seed thread */
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++) {
		check_example(names[i]);
		free(names[i]);
	}
}

int main(void)
{
	RUN(test_examples);
	return CHECK_DONE();
}
