package config

import (
	"flag"
	"io"
	"testing"
	"time"

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
		{name: "sms flags", args: []string{"--sms-rate", "off", "--sms-daily-cap", "20"},
			want: func(c *Config) { c.Domain, c.SMS.Rate, c.SMS.DailyCap = "127.0.0.1:8080", "off", "20" }},
		{name: "sms variable", env: map[string]string{"SADA_SMS_NUMBER": "1234"},
			want: func(c *Config) { c.Domain, c.SMS.Number = "127.0.0.1:8080", "1234" }},
		{name: "sms on without secret", args: []string{"--sms-kannel-url", "http://127.0.0.1:13013/cgi-bin/sendsms", "--sms-number", "1"}, wantErr: true},
		{name: "load settings", args: []string{"--admin-addr", "127.0.0.1:9090", "--admin-token", "s3cret",
			"--rate-limit-account", "300/5m", "--max-writes", "4", "--queue-wait", "2s"},
			env: map[string]string{"SADA_RATE_LIMIT_ADDRESS": "100/1m", "SADA_MAX_READS": "8", "SADA_MAX_QUEUE": "0"},
			want: func(c *Config) {
				c.Domain, c.AdminAddr, c.AdminToken = "127.0.0.1:8080", "127.0.0.1:9090", "s3cret"
				c.RateLimitAccount, c.RateLimitAddress = "300/5m", "100/1m"
				c.MaxReads, c.MaxWrites, c.MaxQueue, c.QueueWait = "8", "4", "0", "2s"
			}},
		{name: "bad admin addr", args: []string{"--admin-addr", "9090"}, wantErr: true},
		{name: "bad rate", args: []string{"--rate-limit-account", "300"}, wantErr: true},
		{name: "bad rate window", args: []string{"--rate-limit-address", "3/1ms"}, wantErr: true},
		{name: "bad max-reads", args: []string{"--max-reads", "0"}, wantErr: true},
		{name: "bad max-queue", args: []string{"--max-queue", "-1"}, wantErr: true},
		{name: "bad queue-wait", args: []string{"--queue-wait", "soon"}, wantErr: true},
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

func TestLimits(t *testing.T) {
	c := Default()
	c.RateLimitAddress = "7500/5m"
	got := c.Limits()
	want := Limits{Address: Rate{N: 7500, Per: 5 * time.Minute}, Reads: 64, Writes: 32, Queue: 256, Wait: 250 * time.Millisecond}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("Limits() mismatch (-want +got):\n%s", d)
	}
	if !got.Account.Off() || got.Address.Off() {
		t.Fatalf("Off: account %v, address %v; want true, false", got.Account.Off(), got.Address.Off())
	}
}
