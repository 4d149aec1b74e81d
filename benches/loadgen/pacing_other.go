//go:build !linux

package main

import "time"

func precisePacing() {}

func sleepFor(d time.Duration) { time.Sleep(d) }
