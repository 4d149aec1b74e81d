//go:build linux

package main

import (
	"runtime"
	"syscall"
	"time"
)

// Go's timers wake up to about 1 ms late on Linux (time.Sleep(300µs) sleeps ~800µs
// on this machine), and an open-loop generator charges any lateness to the server.
// So the pacing goroutine keeps its own OS thread, sets that thread's timer slack to
// 1 ns and sleeps with nanosleep(2): about 20 µs late instead.
func precisePacing() {
	runtime.LockOSThread()
	const prSetTimerslack = 29
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerslack, 1, 0)
}

func sleepFor(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	for {
		var rem syscall.Timespec
		if err := syscall.Nanosleep(&ts, &rem); err != syscall.EINTR {
			return
		}
		ts = rem
	}
}
