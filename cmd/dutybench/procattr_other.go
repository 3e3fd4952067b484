//go:build !linux

package main

import "syscall"

// serverAttr: elsewhere only the signal handler in run stops the server.
func serverAttr() *syscall.SysProcAttr { return nil }
