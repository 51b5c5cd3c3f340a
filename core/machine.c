// SPDX-License-Identifier: MIT
/*
 * The machine context: lifetime, simulated physical memory, boot phase,
 * logging and the checker's violation record.
 */
#include "internal.h"

static const char *const phase_names[BM_NR_PHASES] = {
	[BM_PHASE_SETUP_ARCH] = "setup_arch",
	[BM_PHASE_FREE_AREA_INIT] = "free_area_init",
	[BM_PHASE_MM_CORE_INIT] = "mm_core_init",
	[BM_PHASE_BEFORE_SMP] = "before_smp",
	[BM_PHASE_EARLY_INITCALL] = "early_initcall",
	[BM_PHASE_SMP_INIT] = "smp_init",
	[BM_PHASE_PAGE_ALLOC_INIT_LATE] = "page_alloc_init_late",
	[BM_PHASE_CORE_INITCALL] = "core_initcall",
	[BM_PHASE_POSTCORE_INITCALL] = "postcore_initcall",
	[BM_PHASE_ARCH_INITCALL] = "arch_initcall",
	[BM_PHASE_SUBSYS_INITCALL] = "subsys_initcall",
	[BM_PHASE_FS_INITCALL] = "fs_initcall",
	[BM_PHASE_DEVICE_INITCALL] = "device_initcall",
	[BM_PHASE_LATE_INITCALL] = "late_initcall",
	[BM_PHASE_FREE_INITMEM] = "free_initmem",
	[BM_PHASE_RUNNING] = "running",
};

static const char *const violation_names[BM_NR_VIOLATION_KINDS] = {
	[BM_V_UNINIT_READ] = "uninit_read",
	[BM_V_DOUBLE_INIT] = "double_init",
	[BM_V_LEAK] = "leak",
	[BM_V_MEMBLOCK_MISMATCH] = "memblock_mismatch",
	[BM_V_MIGRATETYPE] = "migratetype",
	[BM_V_MISUSE] = "misuse",
	[BM_V_INVARIANT] = "invariant",
	[BM_V_WARN] = "warn",
};

const char *bm_phase_name(enum bm_phase phase)
{
	return (unsigned)phase < BM_NR_PHASES ? phase_names[phase] : "?";
}

const char *bm_violation_name(enum bm_violation_kind kind)
{
	return (unsigned)kind < BM_NR_VIOLATION_KINDS ? violation_names[kind] : "?";
}

/**
 * bm_config_default - x86-64 defaults of a current distribution kernel
 * @cfg: filled in
 *
 * Deferred struct page init on, pageblock order 9, MAX_PAGE_ORDER 10, zones
 * DMA < 16 MiB and DMA32 < 4 GiB, one thread, bootmm's "safe" release policy,
 * memblock allocations reserved with MEMBLOCK_RSRV_KERN on their node.
 */
void bm_config_default(struct bm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->pageblock_order = 9;
	cfg->max_page_order = 10;
	cfg->deferred_struct_page_init = true;
	cfg->threads = 1;
	cfg->release_policy = 0;
	cfg->zone_dma_end_pfn = BM_PFN_DOWN((phys_addr_t)16 << 20);
	cfg->zone_dma32_end_pfn = BM_PFN_DOWN((phys_addr_t)4 << 30);
	cfg->kho_fixed = true;
	cfg->free_reserved_area_policy = BM_POLICY_AS_RELEASE;
	cfg->memblock_alloc_rsrv_kern = true;
}

int bm_machine_init(struct bm_machine *m, const struct bm_prim *prim,
		    const struct bm_config *cfg, phys_addr_t phys_size)
{
	memset(m, 0, sizeof(*m));
	if (cfg)
		m->cfg = *cfg;
	else
		bm_config_default(&m->cfg);
	m->prim = prim;
	m->caller = "bootmm";
	if (phys_size) {
		m->phys_base = prim->phys_map(prim->ctx, phys_size);
		if (!m->phys_base)
			return -BM_ENOMEM;
		m->phys_size = phys_size;
	}
	bm_memblock_init_state(m);
	if (bm_mm_init_state(m)) {
		bm_machine_destroy(m);
		return -BM_ENOMEM;
	}
	return 0;
}

/**
 * bm_machine_init_identity - prepare a machine with phys == virt
 * @m: storage for the machine
 * @prim: the host's platform contract
 * @cfg: configuration (copied); NULL for the defaults
 * @start: lowest host address usable as physical memory
 * @size: bytes from @start
 *
 * See include/bootmm/machine.h. Return: 0, -BM_EINVAL for a wrapping
 * window, -BM_ENOMEM. Context: before any other call on @m.
 */
int bm_machine_init_identity(struct bm_machine *m, const struct bm_prim *prim,
			     const struct bm_config *cfg, phys_addr_t start,
			     phys_addr_t size)
{
	int ret;

	if (!size || start + size - 1 < start)
		return -BM_EINVAL;
	ret = bm_machine_init(m, prim, cfg, 0);
	if (ret)
		return ret;
	m->phys_identity = true;
	m->phys_start = start;
	m->phys_size = size;
	return 0;
}

/**
 * bm_machine_destroy - release the host resources of a machine
 * @m: machine
 *
 * Frees the simulated RAM and the memory map's host memory, then leaves a
 * dead machine: no pointer into what was freed survives (the memory map
 * is empty, memblock back on its empty static arrays), and every later
 * call is refused with a BM_V_MISUSE violation. The configuration and the
 * violation record stay readable. Destroying twice is harmless.
 * Context: no other thread uses @m.
 */
void bm_machine_destroy(struct bm_machine *m)
{
	if (m->dead)
		return;
	bm_mm_destroy_state(m);
	if (m->phys_base)
		m->prim->phys_unmap(m->prim->ctx, m->phys_base, m->phys_size);
	m->phys_base = NULL;
	m->phys_size = 0;
	m->phys_identity = false;
	memset(&m->mm, 0, sizeof(m->mm));
	memset(&m->memblock, 0, sizeof(m->memblock));
	bm_memblock_init_state(m);
	memset(&m->boot, 0, sizeof(m->boot));
	m->dead = true;
}

/**
 * bm_phys_zero - zero a range of simulated RAM
 * @m: machine
 * @p: start, inside the machine's simulated RAM
 * @size: bytes
 *
 * memset(@p, 0, @size); a range of 64 KiB or more goes to the host's
 * phys_zero (if any), which may drop pages rather than write them.
 * Context: any.
 */
void bm_phys_zero(struct bm_machine *m, void *p, phys_addr_t size)
{
	if (size >= ((phys_addr_t)64 << 10) && m->prim->phys_zero && !m->phys_identity)
		m->prim->phys_zero(m->prim->ctx, p, size);
	else
		memset(p, 0, size);
}

void *bm_phys_to_virt(struct bm_machine *m, phys_addr_t phys)
{
	if (m->phys_identity) {
		if (!phys || phys < m->phys_start || phys - m->phys_start >= m->phys_size ||
		    phys != (uintptr_t)phys)
			return NULL;
		return (void *)(uintptr_t)phys;
	}
	if (!m->phys_base || phys >= m->phys_size)
		return NULL;
	return m->phys_base + phys;
}

phys_addr_t bm_virt_to_phys(struct bm_machine *m, const void *virt)
{
	if (m->phys_identity)
		return (phys_addr_t)(uintptr_t)virt;
	return (phys_addr_t)((uintptr_t)virt - (uintptr_t)m->phys_base);
}

void bm_set_phase(struct bm_machine *m, enum bm_phase phase)
{
	m->phase = phase;
}

/*
 * One line at a time: violations found by concurrent deferred-init threads
 * are logged from those threads, and the host's log and the log hook are
 * plain callbacks (the CLI's collects lines into a growing buffer).
 */
static void emit(struct bm_machine *m, int level, const char *line)
{
	while (__atomic_exchange_n(&m->log_lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&m->log_lock, __ATOMIC_RELAXED))
			;
	if (m->prim && m->prim->log)
		m->prim->log(m->prim->ctx, level, line);
	if (m->log_hook)
		m->log_hook(m, level, line);
	__atomic_store_n(&m->log_lock, 0, __ATOMIC_RELEASE);
}

/**
 * bm_log - print one kernel-style log line
 * @m: machine
 * @level: BM_LOG_*
 * @fmt: format (bm_vsnprintf); lines are cut at 320 bytes
 *
 * Context: any phase; lines carry no phase prefix (they are the kernel's
 * own text); the log hook sees m->phase if it wants it.
 */
void bm_log(struct bm_machine *m, int level, const char *fmt, ...)
{
	char line[320];
	va_list ap;

	va_start(ap, fmt);
	bm_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit(m, level, line);
}

/**
 * bm_machine_set_record - attach the checker's record
 * @m: machine
 * @rec: the record's storage, emptied here; NULL to count only
 *
 * Context: while no other thread reports on @m.
 */
void bm_machine_set_record(struct bm_machine *m, struct bm_violation_record *rec)
{
	if (rec)
		memset(rec, 0, sizeof(*rec));
	m->record = rec;
}

/**
 * bm_violation - count and record what the checker caught
 * @m: machine
 * @kind: what kind of violation
 * @pfn_start: first pfn concerned (0 if none)
 * @pfn_end: one past the last pfn
 * @func: the core function that caught it
 * @fmt: detail
 *
 * Counts every violation. With a record attached (bm_machine_set_record),
 * keeps the first BM_MAX_RECORDED_VIOLATIONS in full (phase, function, the
 * call in progress) and logs each. A violation continuing the last record
 * (same kind, function, phase and caller, on the pfns right after it)
 * extends that record's range and is not logged again; past the record
 * only the count grows. Without a record only the first violation of each
 * kind is logged, so a host that keeps no record still hears of it.
 * Context: any; safe from concurrent deferred-init threads.
 */
void bm_violation(struct bm_machine *m, enum bm_violation_kind kind,
		  bm_pfn_t pfn_start, bm_pfn_t pfn_end, const char *func,
		  const char *fmt, ...)
{
	struct bm_violation_record *rec = m->record;
	struct bm_violation *v;
	bool first, full;
	char detail[sizeof(v->detail)];
	va_list ap;

	if ((unsigned)kind >= BM_NR_VIOLATION_KINDS)
		kind = BM_V_INVARIANT;
	first = !__atomic_fetch_add(&m->violation_count[kind], 1, __ATOMIC_RELAXED);
	if (!rec) {
		if (!first)
			return;
		va_start(ap, fmt);
		bm_vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
		bm_log(m, kind == BM_V_WARN ? BM_LOG_WARN : BM_LOG_ERR,
		       "bootmm: %s in %s at %s (pfn %#llx-%#llx, via %s): %s"
		       " (no record: further ones of this kind are counted only)",
		       bm_violation_name(kind), func, bm_phase_name(m->phase),
		       (unsigned long long)pfn_start, (unsigned long long)pfn_end,
		       m->caller ? m->caller : "?", detail);
		return;
	}
	while (__atomic_exchange_n(&rec->lock, 1, __ATOMIC_ACQUIRE))
		;
	/*
	 * The same finding on the next pfns (a range initialised twice, page
	 * by page) extends the last record rather than flooding the table;
	 * past the table only counts are kept. Neither is formatted or
	 * logged: a misused 1 TiB release must not print 268M lines.
	 */
	if (rec->nr_recorded) {
		struct bm_violation *last = &rec->violations[rec->nr_recorded - 1];

		if (last->kind == kind && last->phase == m->phase && last->func == func &&
		    last->cause == m->caller && pfn_start && last->pfn_end == pfn_start) {
			last->pfn_end = pfn_end;
			__atomic_store_n(&rec->lock, 0, __ATOMIC_RELEASE);
			return;
		}
	}
	if (rec->nr_recorded == BM_MAX_RECORDED_VIOLATIONS) {
		rec->nr_unrecorded++;
		__atomic_store_n(&rec->lock, 0, __ATOMIC_RELEASE);
		return;
	}
	v = &rec->violations[rec->nr_recorded++];
	v->kind = kind;
	v->phase = m->phase;
	v->pfn_start = pfn_start;
	v->pfn_end = pfn_end;
	v->func = func;
	v->cause = m->caller;
	va_start(ap, fmt);
	bm_vsnprintf(v->detail, sizeof(v->detail), fmt, ap);
	va_end(ap);
	full = rec->nr_recorded == BM_MAX_RECORDED_VIOLATIONS;
	__atomic_store_n(&rec->lock, 0, __ATOMIC_RELEASE);
	bm_log(m, kind == BM_V_WARN ? BM_LOG_WARN : BM_LOG_ERR,
	       "bootmm: %s in %s at %s (pfn %#llx-%#llx, via %s): %s%s",
	       bm_violation_name(kind), func, bm_phase_name(v->phase),
	       (unsigned long long)pfn_start, (unsigned long long)pfn_end,
	       v->cause ? v->cause : "?", v->detail,
	       full ? " (record full: further violations are counted only)" : "");
}
