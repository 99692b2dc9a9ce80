package main

import (
	"fmt"
	"net"
)

// pickAddr returns addr when it can be bound — over TCP, and over UDP too
// when udp — and otherwise (or when its port is 0) a free port on the same
// host, free for both. An empty addr stays empty.
func pickAddr(addr string, udp bool) (string, error) {
	if addr == "" {
		return "", nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("address %q: %w", addr, err)
	}
	if port != "0" && bindable(addr, udp) {
		return addr, nil
	}
	for range 50 {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
		if err != nil {
			return "", fmt.Errorf("no free port on %q: %w", host, err)
		}
		free := ln.Addr().String()
		_ = ln.Close()
		if bindable(free, udp) {
			return free, nil
		}
	}
	return "", fmt.Errorf("no port on %q free for both TCP and UDP", host)
}

func bindable(addr string, udp bool) bool {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	defer ln.Close()
	if udp {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return false
		}
		_ = pc.Close()
	}
	return true
}
