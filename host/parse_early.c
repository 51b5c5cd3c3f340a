// SPDX-License-Identifier: MIT
/*
 * The lines of a full dmesg that state an early allocation's size: what
 * setup_arch and start_kernel take from memblock before mem_init, as each
 * kernel prints it (docs/X86-MODEL.md lists which function prints which):
 *
 *   setup_percpu: NR_CPUS:8192 nr_cpumask_bits:8 nr_cpu_ids:8 nr_node_ids:1
 *   percpu: Embedded 61 pages/cpu s212992 r8192 d28672 u262144
 *   Dentry cache hash table entries: 2097152 (order: 12, 16777216 bytes, linear)
 *   Reserving 512MB of memory at 1040MB for crashkernel (System RAM: 65427MB)
 *   crashkernel reserved: 0x00000000a7000000 - 0x00000000b7000000 (256 MB)
 *   software IO TLB: mapped [mem 0x..-0x..] (64MB)
 *   software IO TLB: area num 8.
 *   ACPI: Reserving FACP table memory at [mem 0x..-0x..]
 *   BRK [0x0ed3f000, 0x0ed3ffff] PGTABLE
 *
 * Lines of these families that do not have the expected shape are left to
 * the other handlers (return 0): an unknown variant is not an error, and a
 * fact it would have given is then reported missing by the model.
 */
#include <stdio.h>
#include <string.h>

#include "host/bootlog_int.h"

/* "KEY" followed by a decimal number anywhere in [s, e). */
static bool find_num(const char *s, const char *e, const char *key, uint64_t *v)
{
	size_t kl = strlen(key);

	for (const char *q = s; q + kl < e; q++) {
		uint64_t x = 0;
		const char *d;

		/* a key that is a word starts after a separator: "s" of
		 * "s212992", not of "pages/cpu" */
		if (memcmp(q, key, kl) ||
		    (bm_isalpha(*key) && q > s && q[-1] != ' ' && q[-1] != '(' && q[-1] != ','))
			continue;
		d = q + kl;
		if (d >= e || !bm_isdigit(*d))
			continue;
		while (d < e && bm_isdigit(*d) && x < UINT64_MAX / 10)
			x = x * 10 + (uint64_t)(*d++ - '0');
		*v = x;
		return true;
	}
	return false;
}

static const char *find(const char *s, const char *e, const char *lit)
{
	size_t l = strlen(lit);

	for (const char *q = s; q + l <= e; q++)
		if (!memcmp(q, lit, l))
			return q;
	return NULL;
}

/* setup_percpu (arch/x86/kernel/setup_percpu.c) */
static int cpu_ids(struct bm_parser *p, const char *t, const char *e)
{
	struct bm_early *ef = &p->log->early;
	uint64_t cpus, nodes;

	if (!find_num(t, e, "nr_cpu_ids:", &cpus) || !find_num(t, e, "nr_node_ids:", &nodes) ||
	    !cpus || cpus > 65536 || !nodes || nodes > 1024)
		return 0;
	if (!ef->cpu_line) {
		ef->nr_cpu_ids = (unsigned)cpus;
		ef->nr_node_ids = (unsigned)nodes;
		ef->cpu_line = p->line;
	}
	return 1;
}

/* pcpu_embed_first_chunk's summary (mm/percpu.c): pages per CPU, then
 * static, reserved, dynamic and unit sizes. */
static int percpu(struct bm_parser *p, const char *t, const char *e)
{
	struct bm_early *ef = &p->log->early;
	uint64_t pages, s, r, d, u;

	if (!find_num(t, e, "Embedded ", &pages) || !find(t, e, " pages/cpu"))
		return 0;
	if (find_num(t, e, "s", &s) && find_num(t, e, "r", &r) && find_num(t, e, "d", &d) &&
	    find_num(t, e, "u", &u) && !ef->pcpu_line && u && u < ((uint64_t)1 << 32) &&
	    s + r + d <= u) {
		ef->pcpu_static = s;
		ef->pcpu_reserved = r;
		ef->pcpu_dyn = d;
		ef->pcpu_unit = u;
		ef->pcpu_line = p->line;
	}
	/* Not claimed: the page count is parse_kmsg.c's (log->percpu_pages). */
	return 0;
}

/* alloc_large_system_hash's "%s hash table entries: %ld (order: %d, %lu
 * bytes%s)", the suffix ", linear"/", vmalloc"/", vmalloc hugepage" from 5.x. */
static int hash_table(struct bm_parser *p, const char *t, const char *e)
{
	const char *h = find(t, e, " hash table entries: ");
	struct bm_hash_table ht = { .line = p->line }, *slot;
	uint64_t entries, bytes;
	const char *paren;

	if (!h || h == t)
		return 0;
	paren = find(h, e, "(order");
	if (!find_num(h, e, "entries: ", &entries) || !paren ||
	    !find_num(paren, e, ", ", &bytes) || !find(paren, e, " bytes"))
		return 0;
	/* "VFS: Dquot-cache hash table entries: 512 (order 0, 4096 bytes)" is
	 * dquot's own print, from __get_free_pages: not memblock. */
	if (bm_starts(t, (size_t)(e - t), "VFS: "))
		return 1;
	snprintf(ht.name, sizeof(ht.name), "%.*s", (int)BM_MIN((size_t)(h - t), sizeof(ht.name) - 1), t);
	ht.entries = entries;
	ht.bytes = bytes;
	ht.vmalloc = find(paren, e, "vmalloc") != NULL;
	slot = BM_PUSH(p, p->log->early.hashes, p->log->early.n_hashes);
	if (!slot)
		return -1;
	*slot = ht;
	return 1;
}

static int crash_push(struct bm_parser *p, phys_addr_t start, phys_addr_t end)
{
	struct bm_early *ef = &p->log->early;

	if (end <= start || end - 1 > BM_PHYS_LIMIT)
		return 0;
	if (ef->n_crash < BM_ARRAY_SIZE(ef->crash))
		ef->crash[ef->n_crash++] = (struct bm_range){ start, end - 1, p->line };
	return 1;
}

/* reserve_crashkernel (arch/x86/kernel/setup.c to 6.1; kernel/crash_core.c
 * from 6.2 prints the range in hex). */
static int crashkernel(struct bm_parser *p, const char *t, const char *e)
{
	uint64_t mb, at, a, b;
	const char *q;

	if (bm_starts(t, (size_t)(e - t), "Reserving ") && find(t, e, " for crashkernel")) {
		if (!find_num(t, e, "Reserving ", &mb) || !(q = find(t, e, "memory at ")) ||
		    !find_num(q, e, "at ", &at) || mb > ((uint64_t)1 << 24) || at > ((uint64_t)1 << 32))
			return 0;
		return crash_push(p, at << 20, (at + mb) << 20);
	}
	if ((q = find(t, e, "crashkernel ")) == t && (q = find(t, e, "reserved: 0x"))) {
		struct bm_sc sc;

		bm_sc_init(&sc, q + 10, (size_t)(e - q - 10), "crashkernel line");
		if (bm_sc_hex(p, &sc, 1, &a) || bm_sc_expect(p, &sc, " - ") || bm_sc_hex(p, &sc, 1, &b))
			return -1;
		return crash_push(p, a, b);
	}
	return 0;
}

/* swiotlb_print_info / swiotlb_init_remap */
static int swiotlb(struct bm_parser *p, const char *t, const char *e)
{
	struct bm_early *ef = &p->log->early;
	uint64_t v;
	const char *q;

	if (!bm_starts(t, (size_t)(e - t), "software IO TLB"))
		return 0;
	if (find_num(t, e, "area num ", &v) && v && v < 65536) {
		ef->swiotlb_areas = (unsigned)v;
		return 1;
	}
	for (q = t; (q = find(q, e, "(")) != NULL; q++) {
		const char *d = q + 1;

		v = 0;
		while (d < e && bm_isdigit(*d) && v < (1u << 20))
			v = v * 10 + (uint64_t)(*d++ - '0');
		if (d > q + 1 && d + 3 <= e && !memcmp(d, "MB)", 3)) {
			if (!ef->swiotlb_line) {
				ef->swiotlb_bytes = v << 20;
				ef->swiotlb_line = p->line;
			}
			return 1;
		}
	}
	return 0;
}

/* acpi_table_print's "ACPI: Reserving %4.4s table memory at [mem ..]"
 * (acpi_reserve_initial_tables, 5.14+): memblock_reserve of every table. */
static int acpi_table(struct bm_parser *p, const char *t, const char *e)
{
	const char *q = find(t, e, " table memory at [mem ");
	struct bm_range r = { .line = p->line }, *slot;
	struct bm_sc sc;

	if (!bm_starts(t, (size_t)(e - t), "ACPI: Reserving ") || !q)
		return 0;
	bm_sc_init(&sc, q + 17, (size_t)(e - q - 17), "ACPI table reservation");
	if (bm_sc_mem_range(p, &sc, BM_PHYS_LIMIT, &r.start, &r.end))
		return -1;
	slot = BM_PUSH(p, p->log->early.acpi_tables, p->log->early.n_acpi_tables);
	if (!slot)
		return -1;
	*slot = r;
	return 1;
}

/*
 * alloc_low_pages' KERN_DEBUG "BRK [%#010lx, %#010lx] PGTABLE" (printed by
 * 4.x and early 5.x kernels): the pages early_alloc_pgt_buf took from the
 * .brk section, right after the kernel image. Only the first is kept: it
 * places __brk_base (docs/X86-MODEL.md, "The kernel image").
 */
static int brk_line(struct bm_parser *p, const char *t, const char *e)
{
	struct bm_early *ef = &p->log->early;
	uint64_t a = 0;
	const char *d = t + 5;	/* after "BRK [" */

	if (d + 2 > e || d[0] != '0' || (d[1] != 'x' && d[1] != 'X'))
		return 0;
	for (d += 2; d < e && bm_isxdigit(*d) && a < (UINT64_MAX >> 4); d++)
		a = (a << 4) | (uint64_t)(bm_isdigit(*d) ? *d - '0' : (*d | 0x20) - 'a' + 10);
	if (d == t + 7 || d >= e || *d != ',' || !find(d, e, "] PGTABLE"))
		return 0;
	if (!ef->brk_line) {
		ef->brk_first = a;
		ef->brk_line = p->line;
	}
	return 1;
}

/**
 * bm_early_line - one kernel message that states an early allocation
 * @p: parser
 * @m: message text (prefixes stripped)
 * @n: its length
 *
 * Return: 1 recognised, 0 not ours, -1 error (set in @p).
 * Context: parser; lines are kernel messages.
 */
int bm_early_line(struct bm_parser *p, const char *m, size_t n)
{
	const char *e = m + n;
	int rc = 0;

	if (!p->kernel_line && p->sec != BM_SEC_NONE)
		return 0;
	if (bm_starts(m, n, "efi: EFI v")) {
		/* efi_systab_report_header: a UEFI boot (the line stays
		 * another handler's too) */
		if (!p->log->early.uefi_line)
			p->log->early.uefi_line = p->line;
		return 0;
	}
	if (bm_starts(m, n, "SLUB: HWalign=")) {
		/* kmem_cache_init, right after mem_init in mm_init /
		 * mm_core_init: memblock's early life is over */
		if (!p->log->early.slub_line)
			p->log->early.slub_line = p->line;
		return 0;
	}
	if (bm_starts(m, n, "DMI: ")) {
		/* dmi_scan_machine found tables: dmi_alloc took brk before
		 * the page-table buffer (the line stays another handler's) */
		if (!p->log->early.dmi_line)
			p->log->early.dmi_line = p->line;
		return 0;
	}
	if (bm_starts(m, n, "setup_percpu: "))
		rc = cpu_ids(p, m, e);
	else if (bm_starts(m, n, "BRK ["))
		rc = brk_line(p, m, e);
	else if (bm_starts(m, n, "percpu: Embedded ") || bm_starts(m, n, "PERCPU: Embedded "))
		rc = percpu(p, m, e);
	else if (find(m, e, " hash table entries: "))
		rc = hash_table(p, m, e);
	else if (bm_starts(m, n, "software IO TLB"))
		rc = swiotlb(p, m, e);
	else if (bm_starts(m, n, "ACPI: Reserving "))
		rc = acpi_table(p, m, e);
	else if (find(m, e, "crashkernel"))
		rc = crashkernel(p, m, e);
	if (rc > 0) {
		p->recognised++;
		p->n_kernel_items++;
	}
	return rc;
}
