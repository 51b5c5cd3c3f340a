// SPDX-License-Identifier: MIT
/*
 * smp_init of the example kernel: wake the application processors with
 * INIT-SIPI-SIPI (broadcast to all but self: no ACPI tables needed), count
 * those that arrive, and give the core's parallel() real CPUs: deferred
 * struct page init runs its units on all of them, as the kernel's padata
 * jobs do.
 */
#include "kernel.h"

#define TRAMPOLINE_BASE	0x8000		/* trampoline.S */
#define AP_STACK_BYTES	16384		/* trampoline.S */
#define MAX_CPUS	16
#define LAPIC_ICR_LO	0xfee00300u
#define LAPIC_ICR_HI	0xfee00310u

extern char trampoline_start[], trampoline_end[];

/* Read by trampoline.S: the next CPU number, and the APs' stacks. */
unsigned int ap_next_cpu = 1;
uint8_t ap_stacks[(MAX_CPUS - 1) * AP_STACK_BYTES] __attribute__((aligned(16)));

static unsigned int nr_cpus = 1;
/* Parallel units each CPU ran, for the report after deferred init. */
static unsigned long units_by_cpu[MAX_CPUS];

/* One parallel job at a time, published by the BSP. */
static struct {
	bm_work_fn fn;
	void *arg;
	unsigned long nr;
	unsigned long next;		/* next unit to take */
	unsigned long done;		/* units finished */
	unsigned int gen;		/* bumped for every job */
	unsigned int parked;		/* no more jobs: APs halt */
} job;

static void lapic_icr(uint32_t lo)
{
	volatile uint32_t *icr_hi = (volatile uint32_t *)(uintptr_t)(PAGE_OFFSET + LAPIC_ICR_HI);
	volatile uint32_t *icr_lo = (volatile uint32_t *)(uintptr_t)(PAGE_OFFSET + LAPIC_ICR_LO);

	*icr_hi = 0;
	*icr_lo = lo;
	/* Delivery status (bit 12) clears when the IPI is sent. */
	for (unsigned long i = 0; i < 10000000ul && (*icr_lo & (1u << 12)); i++)
		__asm__ volatile("pause");
}

/* Take units of the current job until there are none left. */
static void run_units(unsigned int cpu)
{
	for (;;) {
		unsigned long i = __atomic_fetch_add(&job.next, 1, __ATOMIC_ACQ_REL);

		if (i >= job.nr)
			return;
		job.fn(job.arg, i);
		units_by_cpu[cpu]++;
		__atomic_fetch_add(&job.done, 1, __ATOMIC_RELEASE);
	}
}

void ap_main(unsigned int cpu);

/**
 * ap_main - an application processor's life: wait for jobs, help with them
 * @cpu: this CPU's number (1..)
 *
 * Context: long mode on the boot page tables, interrupts off; never returns.
 */
void ap_main(unsigned int cpu)
{
	unsigned int seen = 0;

	for (;;) {
		unsigned int gen = __atomic_load_n(&job.gen, __ATOMIC_ACQUIRE);

		if (__atomic_load_n(&job.parked, __ATOMIC_ACQUIRE))
			for (;;)
				__asm__ volatile("cli; hlt");
		if (gen != seen) {
			seen = gen;
			run_units(cpu);
		}
		__asm__ volatile("pause");
	}
}

/**
 * smp_parallel - the core's parallel(): units spread over every online CPU
 * @fn: the work
 * @arg: its argument
 * @nr: units
 *
 * The BSP publishes the job, takes units itself and returns when all are
 * done. Context: BSP only, one job at a time.
 */
void smp_parallel(bm_work_fn fn, void *arg, unsigned long nr)
{
	job.fn = fn;
	job.arg = arg;
	job.nr = nr;
	__atomic_store_n(&job.done, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&job.next, 0, __ATOMIC_RELEASE);
	__atomic_fetch_add(&job.gen, 1, __ATOMIC_RELEASE);
	run_units(0);
	while (__atomic_load_n(&job.done, __ATOMIC_ACQUIRE) < nr)
		__asm__ volatile("pause");
}

/**
 * smp_park - no more parallel work: the APs halt (under TCG a spinning
 * vCPU costs a host CPU). smp_parallel still works, on the BSP alone.
 *
 * Context: BSP, no job running.
 */
void smp_park(void)
{
	__atomic_store_n(&job.parked, 1, __ATOMIC_RELEASE);
	kprintf("bootmm-kernel: parallel units by CPU:");
	for (unsigned int c = 0; c < nr_cpus; c++)
		kprintf(" %u:%lu", c, units_by_cpu[c]);
	kprintf("\n");
}

/**
 * smp_init - start every application processor the machine has
 *
 * Return: the number of CPUs online, the BSP included.
 * Context: BSP, after tsc_calibrate; the trampoline page is in the
 * reserved first MiB.
 */
unsigned int smp_init(void)
{
	unsigned int arrived;

	memcpy((void *)(uintptr_t)(PAGE_OFFSET + TRAMPOLINE_BASE), trampoline_start,
	       (size_t)(trampoline_end - trampoline_start));
	lapic_icr(0x000c4500);			/* INIT, assert, all but self */
	udelay(10000);
	for (int i = 0; i < 2; i++) {		/* STARTUP at TRAMPOLINE_BASE */
		lapic_icr(0x000c4600 | (TRAMPOLINE_BASE >> 12));
		udelay(200);
	}
	/* Wait until no new CPU has come for 100 ms. */
	do {
		arrived = __atomic_load_n(&ap_next_cpu, __ATOMIC_ACQUIRE);
		udelay(100000);
	} while (__atomic_load_n(&ap_next_cpu, __ATOMIC_ACQUIRE) != arrived);
	nr_cpus = arrived;
	if (nr_cpus > MAX_CPUS)		/* more arrived than there are stacks */
		nr_cpus = MAX_CPUS;
	return nr_cpus;
}
