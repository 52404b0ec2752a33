package config

import (
	"flag"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoad(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    func(*Config)
		wantErr bool
	}{
		{name: "defaults", want: func(c *Config) { c.Domain = "127.0.0.1:8080" }},
		{name: "flags", args: []string{"--addr", "0.0.0.0:9000", "--data", "/tmp/x", "--domain", "sada.example", "--registrations", "closed"},
			want: func(c *Config) {
				c.Addr, c.DataDir, c.Domain, c.Registrations = "0.0.0.0:9000", "/tmp/x", "sada.example", "closed"
			}},
		{name: "env", env: map[string]string{"SADA_ADDR": "127.0.0.1:1", "SADA_REGISTRATIONS": "closed"},
			want: func(c *Config) { c.Addr, c.Domain, c.Registrations = "127.0.0.1:1", "127.0.0.1:1", "closed" }},
		{name: "flag beats env", args: []string{"--addr", "127.0.0.1:2"}, env: map[string]string{"SADA_ADDR": "127.0.0.1:1"},
			want: func(c *Config) { c.Addr, c.Domain = "127.0.0.1:2", "127.0.0.1:2" }},
		{name: "bad registrations", args: []string{"--registrations", "maybe"}, wantErr: true},
		{name: "bad addr", args: []string{"--addr", "8080"}, wantErr: true},
		{name: "bad domain", args: []string{"--domain", "https://x"}, wantErr: true},
		{name: "bad sync", args: []string{"--sync", "OFF"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			got, err := Load(fs, tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Load(%v) = %+v, want an error", tt.args, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(&want)
			if d := cmp.Diff(want, got); d != "" {
				t.Fatalf("Load(%v) mismatch (-want +got):\n%s", tt.args, d)
			}
		})
	}
}
