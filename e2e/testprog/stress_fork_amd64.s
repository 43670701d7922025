#include "textflag.h"

// func forkTwice(sleep *syscall.Timespec) (pid, errno uintptr)
TEXT ·forkTwice(SB),NOSPLIT,$0-24
	MOVQ	sleep+0(FP), R12
	MOVQ	$0x4111, DI	// CLONE_VM|CLONE_VFORK|SIGCHLD
	XORQ	SI, SI
	XORQ	DX, DX
	XORQ	R10, R10
	XORQ	R8, R8
	MOVQ	$56, AX	// clone
	SYSCALL
	CMPQ	AX, $0
	JNE	parent
	// The child: a grandchild, then exit.
	MOVQ	$0x111, DI	// CLONE_VM|SIGCHLD
	XORQ	SI, SI
	XORQ	DX, DX
	XORQ	R10, R10
	XORQ	R8, R8
	MOVQ	$56, AX
	SYSCALL
	CMPQ	AX, $0
	JNE	exit
	// The grandchild: sleep, then exit.
	CMPQ	R12, $0
	JEQ	exit
	MOVQ	R12, DI
	XORQ	SI, SI
	MOVQ	$35, AX	// nanosleep
	SYSCALL
exit:
	XORQ	DI, DI
	MOVQ	$231, AX	// exit_group
	SYSCALL
	JMP	exit
parent:
	CMPQ	AX, $0xfffffffffffff001
	JLS	ok
	NEGQ	AX
	MOVQ	$0, pid+8(FP)
	MOVQ	AX, errno+16(FP)
	RET
ok:
	MOVQ	AX, pid+8(FP)
	MOVQ	$0, errno+16(FP)
	RET
