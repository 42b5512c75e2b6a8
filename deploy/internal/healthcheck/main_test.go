package main

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthyEndpointPasses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	if err := probe(context.Background(), srv.URL+"/healthz"); err != nil {
		t.Fatal(err)
	}
}

func TestUnhealthyStatusFailsAndNamesIt(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "draining", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	err := probe(context.Background(), srv.URL+"/healthz")
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "draining") {
		t.Fatalf("probe = %v, want a 503 error carrying the body", err)
	}
}

func TestUnreachableEndpointFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	if err := probe(context.Background(), "http://"+addr+"/healthz"); err == nil {
		t.Fatal("probe of a closed port succeeded")
	}
}
