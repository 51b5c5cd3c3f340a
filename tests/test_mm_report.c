// SPDX-License-Identifier: MIT
/*
 * The /proc reports and the "Memory:" line against the real kernel's: the
 * machines are built from the memory maps of data/efi-512M-trace.log and
 * data/efi-numa2-4G-trace.log (the second MEMBLOCK dump of each), and the
 * output is compared line by line with the =====ZONEINFO, BUDDYINFO,
 * PAGETYPEINFO and MEMINFO sections those boots printed.
 *
 * Values that depend on the boot's allocations (free counts, managed) are
 * compared by shape: same length and same text once digits and blanks are
 * removed, which pins the kernel's field widths. Values the memory map
 * alone decides (spanned, present, start_pfn, physpages, the DMA zone's
 * pageblock types) must be equal.
 */
#include "check.h"
#include "harness.h"

#define GiB ((phys_addr_t)1 << 30)

struct text_sink {
	struct bm_sink sink;
	char buf[1 << 20];
	size_t len;
};

static void text_write(struct bm_sink *s, const char *buf, size_t len)
{
	struct text_sink *t = (struct text_sink *)s;

	if (t->len + len >= sizeof(t->buf))
		len = sizeof(t->buf) - 1 - t->len;
	memcpy(t->buf + t->len, buf, len);
	t->len += len;
	t->buf[t->len] = '\0';
}

static struct text_sink *new_sink(void)
{
	struct text_sink *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	t->sink.write = text_write;
	return t;
}

/* Split @text into at most @max lines (in place); returns the count. */
static int split_lines(char *text, char **lines, int max)
{
	int n = 0;

	for (char *p = text; *p && n < max;) {
		char *nl = strchr(p, '\n');

		lines[n++] = p;
		if (!nl)
			break;
		*nl = '\0';
		if (nl > p && nl[-1] == '\r')
			nl[-1] = '\0';
		p = nl + 1;
	}
	return n;
}

/* The lines of section =====@name of a real boot log (static storage). */
static int real_section(const char *log, const char *name, char **lines, int max)
{
	static char text[4][1 << 16];
	static unsigned int slot;
	char path[512], line[512], marker[64];
	char *out = text[slot++ % 4];
	size_t len = 0;
	bool in = false;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", BOOTMM_DATA_DIR, log);
	snprintf(marker, sizeof(marker), "=====%s", name);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return 0;
	}
	out[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "=====", 5)) {
			in = !strncmp(line, marker, strlen(marker)) &&
			     (line[strlen(marker)] == '\r' || line[strlen(marker)] == '\n');
			continue;
		}
		if (in && len + strlen(line) < sizeof(text[0])) {
			strcpy(out + len, line);
			len += strlen(line);
		}
	}
	fclose(f);
	return split_lines(out, lines, max);
}

/* Same field widths and words: equal length, equal once digits and
 * blanks are dropped. */
static bool same_shape(const char *a, const char *b)
{
	char sa[512], sb[512];
	size_t na = 0, nb = 0;

	if (strlen(a) != strlen(b))
		return false;
	for (; *a && na < sizeof(sa) - 1; a++)
		if (!(*a >= '0' && *a <= '9') && *a != ' ')
			sa[na++] = *a;
	for (; *b && nb < sizeof(sb) - 1; b++)
		if (!(*b >= '0' && *b <= '9') && *b != ' ')
			sb[nb++] = *b;
	sa[na] = sb[nb] = '\0';
	return !strcmp(sa, sb);
}

/* Memory of the second MEMBLOCK dump of efi-512M-trace.log. */
static const phys_addr_t efi512[6][2] = {
	{ 0x0000000000001000, 0x000000000009ffff },
	{ 0x0000000000100000, 0x0000000000805fff },
	{ 0x0000000000808000, 0x000000000080ffff },
	{ 0x0000000000900000, 0x000000001ea89fff },
	{ 0x000000001eb8c000, 0x000000001f4ebfff },
	{ 0x000000001f7fe000, 0x000000001feebfff },
};

static struct test_machine *new_tm(void)
{
	struct test_machine *t = calloc(1, sizeof(*t));

	if (!t)
		abort();
	return t;
}

/* The efi-512M machine, booted to the hand-off; @late also runs deferred init. */
static struct bm_machine *efi512_machine(struct test_machine *t, bool late)
{
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	/* The Debian 6.1 kernel of the log: its image sizes from "Memory:". */
	cfg.kernel_code = 14343 << 10;
	cfg.kernel_rwdata = 2327 << 10;
	cfg.kernel_rodata = 8348 << 10;
	cfg.kernel_init = 2612 << 10;
	cfg.kernel_bss = 5436 << 10;
	m = tm_init(t, 0x20000000, &cfg);
	for (int i = 0; i < 6; i++)
		bm_memblock_add(m, efi512[i][0], efi512[i][1] + 1 - efi512[i][0]);
	/* The kernel image and the legacy area, as the log reserves them. */
	bm_memblock_reserve(m, 0, 0x100000);
	bm_memblock_reserve(m, 0x16200000, 0x2811000);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	if (late) {
		bm_set_phase(m, BM_PHASE_SMP_INIT);
		bm_page_alloc_init_late(m);
	}
	CHECK_EQ(bm_mm_check(m), 0);
	return m;
}

/* Our @report of @m and the real section @name of @log agree line by line
 * in shape (and in the first @exact lines byte for byte). */
static void match_shape(struct bm_machine *m,
			void (*report)(struct bm_machine *, struct bm_sink *),
			const char *log, const char *name, int exact)
{
	struct text_sink *s = new_sink();
	char *ours[128], *real[128];
	int no, nr;

	report(m, &s->sink);
	no = split_lines(s->buf, ours, 128);
	nr = real_section(log, name, real, 128);
	CHECK(nr > 0);
	CHECK_EQ(no, nr);
	for (int i = 0; i < no && i < nr; i++) {
		bool ok = i < exact ? !strcmp(ours[i], real[i]) : same_shape(ours[i], real[i]);

		CHECK(ok);
		if (!ok)
			fprintf(stderr, "%s %s line %d\nours: \"%s\"\nreal: \"%s\"\n", log, name,
				i, ours[i], real[i]);
	}
	free(s);
}

/*
 * Every line of the real (grep-filtered) zoneinfo appears in ours, in
 * order; "managed" lines by shape only (the allocations differ).
 */
static void match_zoneinfo(struct bm_machine *m, const char *log)
{
	struct text_sink *s = new_sink();
	char *ours[512], *real[128];
	int no, nr, j = 0;

	bm_report_zoneinfo(m, &s->sink);
	no = split_lines(s->buf, ours, 512);
	nr = real_section(log, "ZONEINFO", real, 128);
	CHECK(nr > 10);
	for (int i = 0; i < nr; i++) {
		bool managed = !strncmp(real[i], "        managed  ", 17);

		while (j < no && (managed ? strncmp(ours[j], real[i], 17) : strcmp(ours[j], real[i])))
			j++;
		if (j == no) {
			fprintf(stderr, "%s: zoneinfo line %d \"%s\" not found in order\n", log, i, real[i]);
			CHECK(0);
			break;
		}
		j++;
	}
	free(s);
}

static void test_zoneinfo_efi512(void)
{
	struct test_machine *t = new_tm();
	struct bm_machine *m = efi512_machine(t, false);
	struct text_sink *s = new_sink();
	char *l[64];
	int n;

	bm_report_zoneinfo(m, &s->sink);
	n = split_lines(s->buf, l, 64);
	CHECK(n >= 30);
	CHECK_STR(l[0], "Node 0, zone      DMA");
	CHECK(!strncmp(l[1], "  pages free     ", 17));
	CHECK_STR(l[2], "        spanned  4095");
	CHECK_STR(l[3], "        present  3757");
	CHECK(!strncmp(l[4], "        managed  ", 17));
	CHECK_STR(l[6], "  start_pfn:           1");
	CHECK_STR(l[7], "Node 0, zone    DMA32");
	CHECK_STR(l[9], "        spanned  126700");
	CHECK_STR(l[10], "        present  125656");
	CHECK_STR(l[13], "  start_pfn:           4096");
	CHECK_STR(l[14], "Node 0, zone   Normal");
	CHECK_STR(l[16], "        spanned  0");
	CHECK_STR(l[20], "Node 0, zone  Movable");
	CHECK_STR(l[26], "Node 0, zone   Device");
	CHECK_EQ(n, 32);	/* no start_pfn for the three empty zones */
	free(s);
	match_zoneinfo(m, "efi-512M-trace.log");
	tm_destroy(t);
	free(t);
}

static void test_numa2(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg;
	struct bm_machine *m;

	bm_config_default(&cfg);
	m = tm_init(t, 0x180000000ull, &cfg);
	for (int i = 0; i < 3; i++)
		bm_memblock_add_node(m, efi512[i][0], efi512[i][1] + 1 - efi512[i][0], 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 0x900000, 0x7ea8a000 - 0x900000, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 0x7eb8c000, 0x7f4ec000 - 0x7eb8c000, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 0x7f7fe000, 0x7feec000 - 0x7f7fe000, 0, MEMBLOCK_NONE);
	bm_memblock_add_node(m, 0x100000000ull, 0x80000000ull, 1, MEMBLOCK_NONE);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	CHECK_EQ(bm_mm_check(m), 0);
	match_zoneinfo(m, "efi-numa2-4G-trace.log");
	CHECK_EQ(m->mm.nodes[1].zones[BM_ZONE_NORMAL].zone_start_pfn, 1048576);
	/* Two nodes: buddyinfo lists both, pagetypeinfo repeats its header. */
	bm_set_phase(m, BM_PHASE_SMP_INIT);
	bm_page_alloc_init_late(m);
	CHECK_EQ(bm_mm_check(m), 0);
	match_shape(m, bm_report_buddyinfo, "efi-numa2-4G-trace.log", "BUDDYINFO", 0);
	match_shape(m, bm_report_pagetypeinfo, "efi-numa2-4G-trace.log", "PAGETYPEINFO", 4);
	tm_destroy(t);
	free(t);
}

static void test_buddyinfo(void)
{
	struct test_machine *t = new_tm();
	struct bm_machine *m = efi512_machine(t, true);
	struct text_sink *s = new_sink();
	char *ours[16], *real[16];
	int no, nr;

	bm_report_buddyinfo(m, &s->sink);
	no = split_lines(s->buf, ours, 16);
	nr = real_section("efi-512M-trace.log", "BUDDYINFO", real, 16);
	CHECK_EQ(no, 2);
	CHECK_EQ(nr, 2);
	for (int i = 0; i < no && i < nr; i++) {
		CHECK(same_shape(ours[i], real[i]));
		CHECK(!strncmp(ours[i], real[i], 21));	/* "Node 0, zone      DMA" */
		if (!same_shape(ours[i], real[i]))
			fprintf(stderr, "ours: \"%s\"\nreal: \"%s\"\n", ours[i], real[i]);
	}
	free(s);
	tm_destroy(t);
	free(t);
}

static void test_pagetypeinfo(void)
{
	struct test_machine *t = new_tm();
	struct bm_machine *m = efi512_machine(t, true);
	struct text_sink *s = new_sink();
	char *ours[64], *real[64];
	int no, nr;

	bm_report_pagetypeinfo(m, &s->sink);
	no = split_lines(s->buf, ours, 64);
	nr = real_section("efi-512M-trace.log", "PAGETYPEINFO", real, 64);
	CHECK_EQ(nr, 18);
	CHECK_EQ(no, nr);
	for (int i = 0; i < no && i < nr; i++) {
		/* Header lines byte-exact; rows by shape and label. */
		if (i < 4 || i == 14)
			CHECK_STR(ours[i], real[i]);
		else
			CHECK(same_shape(ours[i], real[i]) && !strncmp(ours[i], real[i], 30));
		if (!same_shape(ours[i], real[i]))
			fprintf(stderr, "ours: \"%s\"\nreal: \"%s\"\n", ours[i], real[i]);
	}
	/* The DMA zone's pageblock types depend on the map only: pfn 0 is a
	 * hole, so its pageblock never gets a type (Unmovable), 7 are Movable. */
	if (no == 18)
		CHECK_STR(ours[16], "Node 0, zone      DMA            1            7            0            0            0 ");
	free(s);
	tm_destroy(t);
	free(t);
}

/* CMA appears as a column once the machine uses it; the free count caps. */
static void test_pagetypeinfo_cma_and_cap(void)
{
	struct test_machine *t = new_tm();
	struct bm_config cfg;
	struct bm_machine *m;
	struct text_sink *s = new_sink();
	static bm_pfn_t held[300000];
	unsigned long n = 0;

	bm_config_default(&cfg);
	cfg.deferred_struct_page_init = false;
	m = tm_init(t, GiB, &cfg);
	bm_memblock_add(m, 0x100000, GiB - 0x100000);
	CHECK_EQ(bm_free_area_init(m), 0);
	bm_memblock_free_all(m);
	bm_set_pageblock_migratetype(m, 0x20000, MIGRATE_CMA);
	bm_report_pagetypeinfo(m, &s->sink);
	CHECK(strstr(s->buf, ", type          CMA ") != NULL);
	CHECK(strstr(s->buf, "Number of blocks type     Unmovable      Movable  Reclaimable   "
			     "HighAtomic          CMA      Isolate \n") != NULL);
	bm_set_pageblock_migratetype(m, 0x20000, MIGRATE_MOVABLE);

	/* Every page allocated at order 0, every other one freed: more than
	 * 100000 order-0 blocks on one list. */
	for (;;) {
		bm_pfn_t p = bm_alloc_pages(m, 0, 0, BM_ZONE_NORMAL, MIGRATE_MOVABLE);

		if (p == BM_NO_PFN || n == 300000)
			break;
		held[n++] = p;
	}
	for (unsigned long i = 0; i < n; i++)
		if (held[i] & 1)
			bm_free_pages(m, held[i], 0);
	CHECK_EQ(bm_mm_check(m), 0);
	s->len = 0;
	bm_report_pagetypeinfo(m, &s->sink);
	CHECK(strstr(s->buf, "Node    0, zone    DMA32, type      Movable >100000 ") != NULL);
	s->len = 0;
	bm_report_buddyinfo(m, &s->sink);
	CHECK(strstr(s->buf, "Node 0, zone    DMA32 ") != NULL);
	free(s);
	tm_destroy(t);
	free(t);
}

static void test_meminfo(void)
{
	struct test_machine *t = new_tm();
	struct bm_machine *m = efi512_machine(t, true);
	struct text_sink *s = new_sink();
	char *ours[8], *real[64];
	unsigned long total = 0, free_kb = 0;
	int no, nr;

	bm_report_meminfo(m, &s->sink);
	no = split_lines(s->buf, ours, 8);
	nr = real_section("efi-512M-trace.log", "MEMINFO", real, 64);
	CHECK_EQ(no, 2);
	CHECK(nr > 2);
	if (no == 2 && nr > 2) {
		CHECK(same_shape(ours[0], real[0]));
		CHECK(same_shape(ours[1], real[1]));
		CHECK_EQ(sscanf(ours[0], "MemTotal: %lu kB", &total), 1);
		CHECK_EQ(sscanf(ours[1], "MemFree: %lu kB", &free_kb), 1);
	}
	CHECK_EQ(total, m->mm.totalram_pages * 4);
	CHECK_EQ(free_kb, bm_nr_free_pages(m) * 4);
	free(s);
	tm_destroy(t);
	free(t);
}

static char memory_line[512];

static void grab_memory_line(struct bm_machine *m, int level, const char *line)
{
	(void)m;
	if (level == BM_LOG_INFO && !strncmp(line, "Memory: ", 8))
		snprintf(memory_line, sizeof(memory_line), "%s", line);
}

static void test_memory_line(void)
{
	static const char *real = "Memory: 247604K/517652K available (14343K kernel code, "
				  "2327K rwdata, 8348K rodata, 2612K init, 5436K bss, "
				  "102584K reserved, 0K cma-reserved)";
	struct test_machine *t = new_tm();
	struct bm_machine *m = efi512_machine(t, false);
	unsigned long avail, total, reserved;
	char expect[512];

	memory_line[0] = '\0';
	m->log_hook = grab_memory_line;
	bm_mem_init_print_info(m);
	CHECK(!strncmp(memory_line, real, 8));
	CHECK_EQ(sscanf(memory_line, "Memory: %luK/%luK available", &avail, &total), 2);
	CHECK_EQ(total, 517652);	/* physpages: the map decides */
	CHECK_EQ(avail, bm_nr_free_pages(m) * 4);
	reserved = (129413 - m->mm.totalram_pages) * 4;
	snprintf(expect, sizeof(expect),
		 "Memory: %luK/517652K available (14343K kernel code, 2327K rwdata, 8348K rodata, "
		 "2612K init, 5436K bss, %luK reserved, 0K cma-reserved)", avail, reserved);
	CHECK_STR(memory_line, expect);
	tm_destroy(t);
	free(t);
}

int main(void)
{
	RUN(test_zoneinfo_efi512);
	RUN(test_numa2);
	RUN(test_buddyinfo);
	RUN(test_pagetypeinfo);
	RUN(test_pagetypeinfo_cma_and_cap);
	RUN(test_meminfo);
	RUN(test_memory_line);
	return CHECK_DONE();
}
