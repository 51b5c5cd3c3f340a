// SPDX-License-Identifier: MIT
/*
 * Can this host simulate a machine? The simulation holds one struct page
 * (host bytes) per page frame of the machine's physical address space, in
 * the simulated RAM it maps lazily, plus a shadow bit per page and a byte
 * per pageblock. An 8 TiB machine needs ~48 GiB of host memory for that;
 * started anyway it runs the host out of memory minutes later, and a 4 PiB
 * one fails at the first mapping with nothing to say why. So the need is
 * estimated from the description before anything is allocated, and a
 * machine this host cannot hold is refused with both figures.
 *
 * The host's budget is MemAvailable (/proc/meminfo), or physical memory
 * where that is unknown; BOOTMM_HOST_MEMORY (bytes, K/M/G/T suffixes)
 * overrides it, so that the refusal can be tested on any host.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/sim.h"

/* Fixed cost of a run besides the memory map (tables, log, checker). */
#define SIM_FIXED_BYTES		((uint64_t)32 << 20)

static uint64_t parse_size(const char *s, bool *ok)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);
	unsigned shift = 0;

	switch (*end) {
	case 'K': case 'k': shift = 10; end++; break;
	case 'M': case 'm': shift = 20; end++; break;
	case 'G': case 'g': shift = 30; end++; break;
	case 'T': case 't': shift = 40; end++; break;
	default: break;
	}
	*ok = end != s && !*end && (shift == 0 || v <= (~0ull >> shift));
	return (uint64_t)v << shift;
}

/**
 * bm_sim_host_memory - the host memory a simulation may use
 * @from: set to where the figure comes from ("BOOTMM_HOST_MEMORY",
 *        "MemAvailable", "physical memory")
 *
 * Return: bytes; 0 if unknown (then nothing is refused).
 */
uint64_t bm_sim_host_memory(const char **from)
{
	const char *env = getenv("BOOTMM_HOST_MEMORY");
	FILE *f;
	long pages, psize;

	if (env && *env) {
		bool ok;
		uint64_t v = parse_size(env, &ok);

		if (ok) {
			*from = "BOOTMM_HOST_MEMORY";
			return v;
		}
	}
	f = fopen("/proc/meminfo", "r");
	if (f) {
		char line[128];
		unsigned long long kb;

		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1) {
				fclose(f);
				*from = "MemAvailable";
				return (uint64_t)kb << 10;
			}
		}
		fclose(f);
	}
	pages = sysconf(_SC_PHYS_PAGES);
	psize = sysconf(_SC_PAGESIZE);
	*from = "physical memory";
	return pages > 0 && psize > 0 ? (uint64_t)pages * (uint64_t)psize : 0;
}

/**
 * bm_sim_host_need - host memory a simulation of @phys_size bytes needs
 * @phys_size: the machine's physical address space (end of its highest RAM)
 *
 * Return: bytes: a struct page per page frame, the shadow bitmap, the
 * pageblock bytes and a fixed allowance. Saturates instead of wrapping.
 */
uint64_t bm_sim_host_need(phys_addr_t phys_size)
{
	uint64_t pages = (phys_size >> BM_PAGE_SHIFT) + !!(phys_size & (BM_PAGE_SIZE - 1));
	uint64_t per_page = sizeof(struct page);

	if (pages > (~0ull - SIM_FIXED_BYTES) / (per_page + 1))
		return ~0ull;
	return pages * per_page + pages / 8 + pages / 512 + SIM_FIXED_BYTES;
}

static void human(char *buf, size_t n, uint64_t bytes)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned u = 0;
	uint64_t whole = bytes, rem = 0;

	while (whole >= 1024 && u < 6) {
		rem = whole % 1024;
		whole /= 1024;
		u++;
	}
	if (u && whole < 10)
		snprintf(buf, n, "%llu.%llu %s", (unsigned long long)whole,
			 (unsigned long long)(rem * 10 / 1024), unit[u]);
	else
		snprintf(buf, n, "%llu %s", (unsigned long long)whole, unit[u]);
}

/**
 * bm_sim_feasible - can this host simulate @d?
 * @d: the machine
 * @why: where to write the reason when it cannot
 * @n: size of @why
 *
 * Return: true if it fits (or the host's memory is unknown); false with
 * "simulating N of physical memory needs about X of host memory; this host
 * has Y (source)" in @why.
 */
bool bm_sim_feasible(const struct bm_machine_desc *d, char *why, size_t n)
{
	const char *from = "?";
	uint64_t have = bm_sim_host_memory(&from), need = bm_sim_host_need(d->phys_size);
	char s_size[32], s_need[32], s_have[32];

	if (!have || need <= have)
		return true;
	human(s_size, sizeof(s_size), d->phys_size);
	human(s_need, sizeof(s_need), need);
	human(s_have, sizeof(s_have), have);
	snprintf(why, n, "cannot simulate this machine here: %s of physical address space needs "
		 "about %s of host memory (%zu bytes of struct page per 4 KiB page), this host has "
		 "%s (%s)", s_size, s_need, sizeof(struct page), s_have, from);
	return false;
}

/* Why the last bm_sim_boot of this thread failed (its machine is gone). */
static _Thread_local char last_failure[240];

/**
 * bm_sim_note_failure - remember why a boot failed, before its machine goes
 * @m: the machine that failed, or NULL if it could not be created
 * @ret: the negative error
 *
 * The reason is the last violation the machine recorded (sparse_init
 * names the section whose memory map found no room, for instance); with
 * none, or no machine, it says what the error code means.
 * Context: bm_sim_boot's failure path.
 */
void bm_sim_note_failure(const struct bm_machine *m, int ret)
{
	if (m && m->record && m->record->nr_recorded) {
		const struct bm_violation *v = &m->record->violations[m->record->nr_recorded - 1];

		snprintf(last_failure, sizeof(last_failure), "%s in %s: %s",
			 bm_violation_name(v->kind), v->func ? v->func : "?", v->detail);
	} else if (ret == -BM_ENOMEM) {
		snprintf(last_failure, sizeof(last_failure),
			 "out of memory: the host could not back the simulated machine");
	} else {
		snprintf(last_failure, sizeof(last_failure), "error %d", ret);
	}
}

/**
 * bm_sim_last_failure - why this thread's last failed bm_sim_boot failed
 *
 * Return: a sentence for an error message ("" if no boot failed yet).
 */
const char *bm_sim_last_failure(void)
{
	return last_failure;
}
