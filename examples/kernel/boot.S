/* SPDX-License-Identifier: MIT */
/*
 * Entry of the example kernel: QEMU's PVH direct boot (-kernel with an ELF
 * that carries a XEN_ELFNOTE_PHYS32_ENTRY note) starts us in 32-bit
 * protected mode, paging off, %ebx = physical address of struct
 * hvm_start_info. We build page tables that map the low 16 GiB twice with
 * 2 MiB pages (identity, where the image runs, and at PAGE_OFFSET, the
 * direct map the memory manager addresses physical memory through), enter
 * long mode and call kmain(start_info).
 *
 * Everything here runs once, before the memory manager exists, so it lives
 * in .init.text and is released with the rest of __init_begin..__init_end.
 * The page tables and the stack stay (they are in use until power-off).
 */
#define MAP_GIB		16		/* must match DIRECT_MAP_BYTES in kernel.h */
#define PML4_DIRECT	273		/* (0xffff888000000000 >> 39) & 511 */

	.section .note.Xen, "a", @note
	.balign 4
	.long 4				/* namesz: "Xen\0" */
	.long 8				/* descsz: a 64-bit address (QEMU reads 8 bytes for ELF64) */
	.long 18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.balign 4
	.quad pvh_start
	.balign 4

	.section .init.text, "ax"
	.code32
	.globl pvh_start
pvh_start:
	cli
	cld
	movl %ebx, %esi			/* start_info: kept for kmain */
	lgdt gdt_desc
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs

	/* Zero .bss (page tables and stack included): the loader need not. */
	movl $__bss_start, %edi
	movl $__bss_end, %ecx
	subl %edi, %ecx
	xorl %eax, %eax
	rep stosb
	movl $stack_top, %esp

	/* PML4[0] and PML4[273] share one PDPT: identity and direct map. */
	movl $pdpt, %eax
	orl $3, %eax
	movl %eax, pml4
	movl %eax, pml4 + PML4_DIRECT * 8

	/* PDPT[i] -> page directory i, for i < MAP_GIB. */
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $pd, %eax
	orl $3, %eax
	movl %eax, pdpt(,%ecx,8)
	incl %ecx
	cmpl $MAP_GIB, %ecx
	jb 1b

	/* PD entry i maps 2 MiB page i: low word (i << 21) | P|RW|PS, high word i >> 11. */
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $0x83, %eax
	movl %eax, pd(,%ecx,8)
	movl %ecx, %eax
	shrl $11, %eax
	movl %eax, pd + 4(,%ecx,8)
	incl %ecx
	cmpl $MAP_GIB * 512, %ecx
	jb 2b

	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl $pml4, %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* EFER */
	rdmsr
	orl $(1 << 8), %eax		/* LME */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | 1), %eax	/* PG | PE */
	movl %eax, %cr0
	ljmp $0x08, $long_entry

	.code64
long_entry:
	movl $0x10, %eax
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movq $stack_top, %rsp
	movl %esi, %edi
	call kmain
3:	cli
	hlt
	jmp 3b

	/* The GDT outlives init: segment reloads after free_initmem need it. */
	.section .rodata
	.balign 8
gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: flat data */
gdt_end:
	.balign 8
gdt_desc:
	.word gdt_end - gdt - 1
	.long gdt

	.section .bss
	.balign 4096
	.globl pml4
pml4:	.skip 4096
pdpt:	.skip 4096
pd:	.skip 4096 * MAP_GIB
	.balign 16
stack:	.skip 65536
stack_top:
