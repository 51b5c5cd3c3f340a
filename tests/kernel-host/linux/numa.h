/* SPDX-License-Identifier: MIT */
/* Stand-in for a kernel-style host's <linux/numa.h> (tests only): 16 nodes,
 * as the kernel's suite builds with CONFIG_NODES_SHIFT=4. */
#ifndef TEST_HOST_LINUX_NUMA_H
#define TEST_HOST_LINUX_NUMA_H

#define MAX_NUMNODES	16
#define NUMA_NO_NODE	(-1)

static inline bool numa_valid_node(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES;
}

#endif
