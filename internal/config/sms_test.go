package config

import (
	"flag"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSMSSettings(t *testing.T) {
	on := []string{"--sms-kannel-url", "http://127.0.0.1:13013/cgi-bin/sendsms", "--sms-number", "1234",
		"--sms-secret", "0123456789abcdef-_"}
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    SMSSettings
		wantErr bool
	}{
		{name: "off by default", want: SMSSettings{
			AllowFrom:   []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
			CallbackURL: "http://127.0.0.1:8080", Rate: Rate{N: 10, Per: time.Minute},
			DailyCap: 100, MaxParts: 4, JoinsPerHour: 20, RetryMax: time.Minute, ResendAfter: 10 * time.Minute,
		}},
		{name: "on with flags", args: append(on, "--sms-kannel-user", "sada", "--sms-kannel-password", "pw",
			"--sms-allow-from", "10.0.0.0/8, 192.168.1.7", "--sms-rate", "5/30s", "--sms-daily-cap", "0",
			"--sms-max-parts", "6", "--sms-joins-per-hour", "0", "--sms-retry-max", "30s", "--sms-resend-after", "2m",
			"--sms-callback-url", "http://sada.internal:8080/", "--sms-kannel-smsc", "operator"),
			want: SMSSettings{
				Enabled: true, KannelURL: "http://127.0.0.1:13013/cgi-bin/sendsms", KannelUser: "sada", KannelPassword: "pw",
				KannelSMSC: "operator", Number: "1234", Secret: "0123456789abcdef-_",
				AllowFrom:   []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.7/32")},
				CallbackURL: "http://sada.internal:8080", Rate: Rate{N: 5, Per: 30 * time.Second},
				DailyCap: 0, MaxParts: 6, JoinsPerHour: 0, RetryMax: 30 * time.Second, ResendAfter: 2 * time.Minute,
			}},
		{name: "on with variables", env: map[string]string{
			"SADA_SMS_KANNEL_URL": "http://kannel:13013/cgi-bin/sendsms", "SADA_SMS_NUMBER": "+15550100", "SADA_SMS_SECRET": "ssssssssssssssss",
			"SADA_SMS_RATE": "off", "SADA_ADDR": "0.0.0.0:9000",
		}, want: SMSSettings{
			Enabled: true, KannelURL: "http://kannel:13013/cgi-bin/sendsms", Number: "+15550100", Secret: "ssssssssssssssss",
			AllowFrom:   []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("::1/128")},
			CallbackURL: "http://127.0.0.1:9000", DailyCap: 100, MaxParts: 4, JoinsPerHour: 20,
			RetryMax: time.Minute, ResendAfter: 10 * time.Minute,
		}},
		{name: "on without number", args: []string{"--sms-kannel-url", "http://k/s", "--sms-secret", "0123456789abcdef"}, wantErr: true},
		{name: "on without secret", args: []string{"--sms-kannel-url", "http://k/s", "--sms-number", "1"}, wantErr: true},
		{name: "short secret", args: append(on, "--sms-secret", "short"), wantErr: true},
		{name: "secret not URL-safe", args: append(on, "--sms-secret", "0123456789abcdef&x"), wantErr: true},
		{name: "bad kannel URL", args: append(on, "--sms-kannel-url", "127.0.0.1:13013"), wantErr: true},
		{name: "bad rate", args: []string{"--sms-rate", "ten"}, wantErr: true},
		{name: "bad cap", args: []string{"--sms-daily-cap", "-1"}, wantErr: true},
		{name: "zero parts", args: []string{"--sms-max-parts", "0"}, wantErr: true},
		{name: "too many parts", args: []string{"--sms-max-parts", "11"}, wantErr: true},
		{name: "bad retry", args: []string{"--sms-retry-max", "soon"}, wantErr: true},
		{name: "bad allow", args: []string{"--sms-allow-from", "kannel.example"}, wantErr: true},
		{name: "nobody allowed", args: append(on, "--sms-allow-from", " , "), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("serve", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c, err := Load(fs, tt.args, func(k string) string { return tt.env[k] })
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Load(%v) = %+v, want an error", tt.args, c.SMS)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, c.SMSSettings(), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("SMSSettings (-want +got):\n%s", diff)
			}
		})
	}
}
