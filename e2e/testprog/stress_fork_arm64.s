#include "textflag.h"

// func forkTwice(sleep *syscall.Timespec) (pid, errno uintptr)
TEXT ·forkTwice(SB),NOSPLIT,$0-24
	MOVD	sleep+0(FP), R12
	MOVD	$0x4111, R0	// CLONE_VM|CLONE_VFORK|SIGCHLD
	MOVD	$0, R1
	MOVD	$0, R2
	MOVD	$0, R3
	MOVD	$0, R4
	MOVD	$220, R8	// clone
	SVC
	CMP	$0, R0
	BNE	parent
	// The child: a grandchild, then exit.
	MOVD	$0x111, R0	// CLONE_VM|SIGCHLD
	MOVD	$0, R1
	MOVD	$0, R2
	MOVD	$0, R3
	MOVD	$0, R4
	MOVD	$220, R8
	SVC
	CMP	$0, R0
	BNE	exit
	// The grandchild: sleep, then exit.
	CBZ	R12, exit
	MOVD	R12, R0
	MOVD	$0, R1
	MOVD	$101, R8	// nanosleep
	SVC
exit:
	MOVD	$0, R0
	MOVD	$94, R8	// exit_group
	SVC
	B	exit
parent:
	CMN	$4095, R0
	BCC	ok
	NEG	R0, R0
	MOVD	$0, pid+8(FP)
	MOVD	R0, errno+16(FP)
	RET
ok:
	MOVD	R0, pid+8(FP)
	MOVD	$0, errno+16(FP)
	RET
