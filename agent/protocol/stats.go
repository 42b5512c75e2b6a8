package protocol

import "github.com/mssqldump/mssqldump/scripter"

// Stats is the wire form of scripter.Stats in a Manifest (the same JSON
// names), owned by the protocol for the reason Options is.
type Stats struct {
	Objects  int              `json:"objects"`
	Tables   int              `json:"tables"`
	Rows     map[string]int64 `json:"rows,omitempty"`
	Bytes    int64            `json:"bytes"`
	Warnings []Warning        `json:"warnings,omitempty"`
}

// Warning is the wire form of scripter.Warning.
type Warning struct {
	Code    string `json:"code"`
	Object  string `json:"object,omitempty"`
	Message string `json:"message"`
}

// StatsFrom is the wire form of s.
func StatsFrom(s scripter.Stats) Stats {
	out := Stats{Objects: s.Objects, Tables: s.Tables, Rows: s.Rows, Bytes: s.Bytes}
	if s.Warnings != nil {
		out.Warnings = make([]Warning, len(s.Warnings))
		for i, w := range s.Warnings {
			out.Warnings[i] = Warning{Code: w.Code, Object: w.Object, Message: w.Message}
		}
	}
	return out
}

// Scripter is s as the scripter reports it.
func (s Stats) Scripter() scripter.Stats {
	out := scripter.Stats{Objects: s.Objects, Tables: s.Tables, Rows: s.Rows, Bytes: s.Bytes}
	if s.Warnings != nil {
		out.Warnings = make([]scripter.Warning, len(s.Warnings))
		for i, w := range s.Warnings {
			out.Warnings[i] = scripter.Warning{Code: w.Code, Object: w.Object, Message: w.Message}
		}
	}
	return out
}
