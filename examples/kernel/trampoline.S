/* SPDX-License-Identifier: MIT */
/*
 * Application processors: the real-mode trampoline smp.c copies to
 * TRAMPOLINE_BASE (inside the first MiB, which memblock keeps reserved) and
 * points the startup IPI at, and the 64-bit entry it jumps to. An AP goes
 * real mode -> protected mode -> long mode on the BSP's page tables, takes
 * a CPU number and a stack, and calls ap_main(cpu).
 */
#define TRAMPOLINE_BASE	0x8000		/* must match smp.c */
#define AP_STACK_BYTES	16384		/* must match smp.c */
#define MAX_CPUS	16		/* must match smp.c */
#define T(sym)		(TRAMPOLINE_BASE + (sym) - trampoline_start)

	.section .rodata
	.globl trampoline_start, trampoline_end
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax			/* CS = TRAMPOLINE_BASE >> 4 */
	movw %ax, %ds
	lgdtl tr_gdt_desc - trampoline_start
	movl %cr0, %eax
	orl $1, %eax			/* PE */
	movl %eax, %cr0
	ljmpl $0x08, $T(tr_pm)

	.code32
tr_pm:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl $pml4, %eax		/* the BSP's tables (below 4 GiB) */
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* EFER.LME */
	rdmsr
	orl $(1 << 8), %eax
	wrmsr
	movl %cr0, %eax
	orl $(1 << 31), %eax		/* PG */
	movl %eax, %cr0
	ljmp $0x18, $T(tr_lm)

	.code64
tr_lm:
	movabsq $ap_entry64, %rax
	jmp *%rax

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_desc:
	.word tr_gdt_end - tr_gdt - 1
	.long T(tr_gdt)
trampoline_end:

	.text
	.code64
ap_entry64:
	movl $1, %eax
	lock xaddl %eax, ap_next_cpu	/* CPU numbers from 1 */
	cmpl $MAX_CPUS, %eax		/* no stack for it: stay parked */
	jae 1f
	movl %eax, %edi
	movq %rax, %rdx
	imulq $AP_STACK_BYTES, %rdx
	leaq ap_stacks + AP_STACK_BYTES, %rsp
	addq %rdx, %rsp
	subq $AP_STACK_BYTES, %rsp	/* CPU n uses stack n - 1 */
	call ap_main
1:	cli
	hlt
	jmp 1b
