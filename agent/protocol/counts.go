package protocol

import "github.com/mssqldump/mssqldump/scripter"

// Counts is the wire form of scripter.Progress in a Progress envelope (the
// same JSON names), owned by the protocol for the reason Options is.
type Counts struct {
	Objects int    `json:"objects"`
	Tables  int    `json:"tables"`
	Rows    int64  `json:"rows"`
	Bytes   int64  `json:"bytes"`
	Object  string `json:"object,omitempty"`
}

// CountsFrom is the wire form of p.
func CountsFrom(p scripter.Progress) Counts {
	return Counts{Objects: p.Objects, Tables: p.Tables, Rows: p.Rows, Bytes: p.Bytes, Object: p.Object}
}

// Scripter is c as the scripter reports it.
func (c Counts) Scripter() scripter.Progress {
	return scripter.Progress{Objects: c.Objects, Tables: c.Tables, Rows: c.Rows, Bytes: c.Bytes, Object: c.Object}
}
