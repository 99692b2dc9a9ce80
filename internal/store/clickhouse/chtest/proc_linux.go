package chtest

import "syscall"

// procAttr makes the kernel kill the server when the test binary dies
// without stopping it.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
