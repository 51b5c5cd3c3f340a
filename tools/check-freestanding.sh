#!/usr/bin/env bash
# The core must build with -ffreestanding -nostdlib and need nothing from
# its environment but the four functions freestanding C still requires.
# Also cross-compiles it for riscv64 bare metal when that compiler is there.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
allowed='^(memset|memcpy|memmove|memcmp)$'

check() {
	local cc=$1 ld=$2 nm=$3 label=$4; shift 4
	local objs=()
	for src in "$top"/core/*.c; do
		obj="$out/$label-$(basename "${src%.c}").o"
		"$cc" -std=gnu11 -ffreestanding -nostdlib -fno-builtin -Wall -Wextra -Werror \
			-Wno-unused-parameter -O2 -I"$top/include" "$@" -c "$src" -o "$obj"
		objs+=("$obj")
	done
	"$ld" -r -o "$out/$label-core.o" "${objs[@]}"
	local bad
	bad=$("$nm" -u "$out/$label-core.o" | awk '{print $NF}' | grep -Ev "$allowed" || true)
	if [ -n "$bad" ]; then
		echo "freestanding check ($label): the core needs symbols its host must not be asked for:" >&2
		echo "$bad" >&2
		exit 1
	fi
	echo "freestanding check ($label): ${#objs[@]} objects, undefined: $("$nm" -u "$out/$label-core.o" | awk '{print $NF}' | tr '\n' ' ')"
}

check gcc ld nm x86_64 -mno-red-zone -mcmodel=kernel -fno-pic
if command -v riscv64-unknown-elf-gcc >/dev/null 2>&1; then
	check riscv64-unknown-elf-gcc riscv64-unknown-elf-ld riscv64-unknown-elf-nm riscv64 \
		-march=rv64gc -mabi=lp64d -mcmodel=medany
else
	echo "freestanding check (riscv64): skipped, riscv64-unknown-elf-gcc not installed"
fi
