package main

import "syscall"

// serverAttr makes the kernel stop the server when dutybench dies, however
// it dies (killed, or a closed pipe on its output): a benchmark must not
// leave a server behind.
func serverAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
