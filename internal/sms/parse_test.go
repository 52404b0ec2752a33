package sms

import (
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Command
	}{
		// English.
		{"post", "Hello from the bus", Command{Kind: Post, Text: "Hello from the bus"}},
		{"post trims", "  hi  ", Command{Kind: Post, Text: "hi"}},
		{"empty", "", Command{Kind: Post}},
		{"follow", "FOLLOW bob", Command{Kind: Follow, Name: "bob", Lang: "en", Word: "FOLLOW"}},
		{"follow lower case", "follow bob", Command{Kind: Follow, Name: "bob", Lang: "en", Word: "follow"}},
		{"follow mixed case with @", "Follow @Bob_1", Command{Kind: Follow, Name: "Bob_1", Lang: "en", Word: "Follow"}},
		{"f", "f bob", Command{Kind: Follow, Name: "bob", Lang: "en", Word: "f"}},
		{"follow alone", "FOLLOW", Command{Kind: Usage, Of: Follow, Lang: "en", Word: "FOLLOW"}},
		{"follow in a sentence is a post", "Follow your dreams", Command{Kind: Post, Text: "Follow your dreams"}},
		{"leave", "LEAVE bob", Command{Kind: Leave, Name: "bob", Lang: "en", Word: "LEAVE"}},
		{"unfollow", "unfollow bob", Command{Kind: Leave, Name: "bob", Lang: "en", Word: "unfollow"}},
		{"on", "ON", Command{Kind: On, Lang: "en", Word: "ON"}},
		{"off", "off", Command{Kind: Off, Lang: "en", Word: "off"}},
		{"on name", "ON bob", Command{Kind: On, Name: "bob", Lang: "en", Word: "ON"}},
		{"off name", "OFF @bob", Command{Kind: Off, Name: "bob", Lang: "en", Word: "OFF"}},
		{"on in a sentence is a post", "on my way home", Command{Kind: Post, Text: "on my way home"}},
		{"d", "D bob see you at 5", Command{Kind: Direct, Name: "bob", Text: "see you at 5", Lang: "en", Word: "D"}},
		{"dm keeps line breaks", "dm bob line one\nline two", Command{Kind: Direct, Name: "bob", Text: "line one\nline two", Lang: "en", Word: "dm"}},
		{"d without text", "D bob", Command{Kind: Usage, Of: Direct, Lang: "en", Word: "D"}},
		{"d with a non-name is a post", "d é bonjour", Command{Kind: Post, Text: "d é bonjour"}},
		{"get", "GET bob", Command{Kind: Get, Name: "bob", Lang: "en", Word: "GET"}},
		{"whois", "whois bob", Command{Kind: Whois, Name: "bob", Lang: "en", Word: "whois"}},
		{"rt", "RT bob", Command{Kind: Repost, Name: "bob", Lang: "en", Word: "RT"}},
		{"fav", "FAV bob", Command{Kind: Favourite, Name: "bob", Lang: "en", Word: "FAV"}},
		{"like", "like bob", Command{Kind: Favourite, Name: "bob", Lang: "en", Word: "like"}},
		{"stop", "STOP", Command{Kind: Stop, Lang: "en", Word: "STOP"}},
		{"stop with a full stop", "Stop.", Command{Kind: Stop, Lang: "en", Word: "Stop"}},
		{"quit", "quit", Command{Kind: Stop, Lang: "en", Word: "quit"}},
		{"unsubscribe", "UNSUBSCRIBE", Command{Kind: Stop, Lang: "en", Word: "UNSUBSCRIBE"}},
		{"stop in a sentence is a post", "Stop the war", Command{Kind: Post, Text: "Stop the war"}},
		{"start", "START", Command{Kind: Start, Lang: "en", Word: "START"}},
		{"help", "help", Command{Kind: Help, Lang: "en", Word: "help"}},
		{"question mark", "?", Command{Kind: Help, Lang: "en", Word: "?"}},
		{"join", "JOIN sara_88", Command{Kind: Join, Name: "sara_88", Lang: "en", Word: "JOIN"}},
		{"join alone", "join", Command{Kind: Usage, Of: Join, Lang: "en", Word: "join"}},
		{"password", "PASSWORD", Command{Kind: Password, Lang: "en", Word: "PASSWORD"}},
		{"reply", "@bob see you", Command{Kind: Reply, Name: "bob", Text: "@bob see you"}},
		{"reply with domain", "@bob@example.org hi", Command{Kind: Reply, Name: "bob@example.org", Text: "@bob@example.org hi"}},
		{"a lone mention is a post", "@bob", Command{Kind: Post, Text: "@bob"}},
		{"code", "123456", Command{Kind: Code, Text: "123456"}},
		{"five digits is a post", "12345", Command{Kind: Post, Text: "12345"}},
		{"unknown command", "FOLOW", Command{Kind: Unknown, Text: "FOLOW", Word: "FOLOW"}},
		{"lower-case word is a post", "hello", Command{Kind: Post, Text: "hello"}},
		{"single capital is a post", "A", Command{Kind: Post, Text: "A"}},

		// Arabic.
		{"ar post", "صباح الخير يا عالم", Command{Kind: Post, Text: "صباح الخير يا عالم"}},
		{"ar follow", "تابع bob", Command{Kind: Follow, Name: "bob", Lang: "ar", Word: "تابع"}},
		{"ar follow alone", "تابع", Command{Kind: Usage, Of: Follow, Lang: "ar", Word: "تابع"}},
		{"ar follow teh marbuta as heh", "متابعه bob", Command{Kind: Follow, Name: "bob", Lang: "ar", Word: "متابعه"}},
		{"ar follow non-name is a lookup", "تابع الأخبار", Command{Kind: Follow, Name: "الأخبار", Lang: "ar", Word: "تابع"}},
		{"ar follow sentence is a post", "تابع الأخبار كل يوم", Command{Kind: Post, Text: "تابع الأخبار كل يوم"}},
		{"ar leave", "اترك bob", Command{Kind: Leave, Name: "bob", Lang: "ar", Word: "اترك"}},
		{"ar on", "تشغيل", Command{Kind: On, Lang: "ar", Word: "تشغيل"}},
		{"ar off without hamza", "اطفاء", Command{Kind: Off, Lang: "ar", Word: "اطفاء"}},
		{"ar off name", "إطفاء bob", Command{Kind: Off, Name: "bob", Lang: "ar", Word: "إطفاء"}},
		{"ar direct", "خاص bob أين أنت؟", Command{Kind: Direct, Name: "bob", Text: "أين أنت؟", Lang: "ar", Word: "خاص"}},
		{"ar get", "اعرض bob", Command{Kind: Get, Name: "bob", Lang: "ar", Word: "اعرض"}},
		{"ar whois", "ملف bob", Command{Kind: Whois, Name: "bob", Lang: "ar", Word: "ملف"}},
		{"ar repost", "انشر bob", Command{Kind: Repost, Name: "bob", Lang: "ar", Word: "انشر"}},
		{"ar favourite", "أعجبني bob", Command{Kind: Favourite, Name: "bob", Lang: "ar", Word: "أعجبني"}},
		{"ar favourite with yeh variant", "اعجبنى bob", Command{Kind: Favourite, Name: "bob", Lang: "ar", Word: "اعجبنى"}},
		{"ar stop shared with fa", "توقف", Command{Kind: Stop, Word: "توقف"}},
		{"ar cancel", "الغاء", Command{Kind: Stop, Lang: "ar", Word: "الغاء"}},
		{"ar start", "ابدأ", Command{Kind: Start, Lang: "ar", Word: "ابدأ"}},
		{"ar help", "مساعدة", Command{Kind: Help, Lang: "ar", Word: "مساعدة"}},
		{"ar help with a question mark", "مساعدة؟", Command{Kind: Help, Lang: "ar", Word: "مساعدة"}},
		{"ar join", "انضم sara", Command{Kind: Join, Name: "sara", Lang: "ar", Word: "انضم"}},
		{"ar password shared with fa", "رمز", Command{Kind: Password, Word: "رمز"}},
		{"ar code in Arabic-Indic digits", "١٢٣٤٥٦", Command{Kind: Code, Text: "123456"}},
		{"ar reply", "@bob شكرا", Command{Kind: Reply, Name: "bob", Text: "@bob شكرا"}},

		// Persian.
		{"fa post", "سلام دنیا، امروز هوا خوب است", Command{Kind: Post, Text: "سلام دنیا، امروز هوا خوب است"}},
		{"fa follow", "دنبال bob", Command{Kind: Follow, Name: "bob", Lang: "fa", Word: "دنبال"}},
		{"fa follow in a sentence is a post", "دنبال کار می\u200cگردم", Command{Kind: Post, Text: "دنبال کار می\u200cگردم"}},
		{"fa leave", "ترک bob", Command{Kind: Leave, Name: "bob", Lang: "fa", Word: "ترک"}},
		{"fa leave with Arabic kaf", "ترك bob", Command{Kind: Leave, Name: "bob", Lang: "fa", Word: "ترك"}},
		{"fa on", "روشن", Command{Kind: On, Lang: "fa", Word: "روشن"}},
		{"fa off name", "خاموش bob", Command{Kind: Off, Name: "bob", Lang: "fa", Word: "خاموش"}},
		{"fa direct", "خصوصی bob کجایی؟", Command{Kind: Direct, Name: "bob", Text: "کجایی؟", Lang: "fa", Word: "خصوصی"}},
		{"fa direct with Arabic yeh", "خصوصي bob سلام", Command{Kind: Direct, Name: "bob", Text: "سلام", Lang: "fa", Word: "خصوصي"}},
		{"fa get", "بگیر bob", Command{Kind: Get, Name: "bob", Lang: "fa", Word: "بگیر"}},
		{"fa whois", "کیست bob", Command{Kind: Whois, Name: "bob", Lang: "fa", Word: "کیست"}},
		{"fa repost", "بازنشر bob", Command{Kind: Repost, Name: "bob", Lang: "fa", Word: "بازنشر"}},
		{"fa favourite", "پسند bob", Command{Kind: Favourite, Name: "bob", Lang: "fa", Word: "پسند"}},
		{"fa cancel", "لغو", Command{Kind: Stop, Lang: "fa", Word: "لغو"}},
		{"fa start", "شروع", Command{Kind: Start, Lang: "fa", Word: "شروع"}},
		{"fa help", "راهنما", Command{Kind: Help, Lang: "fa", Word: "راهنما"}},
		{"fa join with ZWNJ", "ثبت\u200cنام sara", Command{Kind: Join, Name: "sara", Lang: "fa", Word: "ثبت\u200cنام"}},
		{"fa join without ZWNJ", "ثبتنام sara", Command{Kind: Join, Name: "sara", Lang: "fa", Word: "ثبتنام"}},
		{"fa password", "گذرواژه", Command{Kind: Password, Lang: "fa", Word: "گذرواژه"}},
		{"fa code in Persian digits", "۱۲۳۴۵۶", Command{Kind: Code, Text: "123456"}},
		{"fa reply", "@bob ممنون", Command{Kind: Reply, Name: "bob", Text: "@bob ممنون"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Parse(tt.in)); diff != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestValidName(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"bob", "bob", true},
		{"Bob_1", "Bob_1", true},
		{"bob@sada.example", "bob", true},
		{"bob@SADA.example", "bob", true},
		{"bob@elsewhere.example", "", false},
		{"الأخبار", "", false},
		{"", "", false},
		{"bo-b", "", false},
	}
	for _, tt := range tests {
		got, ok := ValidName(tt.in, "sada.example")
		if got != tt.want || ok != tt.ok {
			t.Errorf("ValidName(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNormalizeNumber(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "+989121234567", want: "+989121234567"},
		{in: "989121234567", want: "+989121234567"},
		{in: "00989121234567", want: "+989121234567"},
		{in: "+98 912 123-45-67", want: "+989121234567"},
		{in: "+۹۸۹۱۲۱۲۳۴۵۶۷", want: "+989121234567"},
		{in: "+٩٦٦٥٠١٢٣٤٥٦٧", want: "+966501234567"},
		{in: "(+1) 555.010.0199", want: "+15550100199"},
		{in: "12345", wantErr: true},
		{in: "09121234567", wantErr: true}, // national form: the country is unknown
		{in: "+98912abc", wantErr: true},
		{in: "+1234567890123456", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := NormalizeNumber(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("NormalizeNumber(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestEncodeAndParts(t *testing.T) {
	persian140 := ""
	for len([]rune(persian140)) < 140 {
		persian140 += "سلام "
	}
	persian140 = string([]rune(persian140)[:140])
	tests := []struct {
		name       string
		in         string
		wantCoding Coding
		wantUnits  int
		wantParts  int
	}{
		{"ascii", "bob: hello", GSM7, 10, 1},
		{"gsm accents", "café à Zürich £5", GSM7, 16, 1},
		{"extension costs two", "€[x]", GSM7, 7, 1},
		{"160 septets", string(make160('a')), GSM7, 160, 1},
		{"161 septets", string(make160('a')) + "a", GSM7, 161, 2},
		{"arabic", "سلام", UCS2, 4, 1},
		{"70 units", string(repeat('س', 70)), UCS2, 70, 1},
		{"71 units", string(repeat('س', 71)), UCS2, 71, 2},
		// The figure: a 140-character Persian post with "name: " is
		// three parts of 67.
		{"persian post with name", "sara: " + persian140, UCS2, 146, 3},
		{"emoji is two units", "hi 😀", UCS2, 5, 1},
		{"a curly quote needs UCS-2", "it’s", UCS2, 4, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, n := Encode(tt.in)
			if c != tt.wantCoding || n != tt.wantUnits {
				t.Errorf("Encode = %v, %d; want %v, %d", c, n, tt.wantCoding, tt.wantUnits)
			}
			if got := Parts(tt.in); got != tt.wantParts {
				t.Errorf("Parts = %d, want %d", got, tt.wantParts)
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	long := string(repeat('a', 1000))
	got := Truncate(long, 2)
	if Parts(got) != 2 || got[len(got)-3:] != "..." || len(got) != 306 {
		t.Errorf("Truncate(GSM, 2) = %d chars, %d parts, ends %q", len(got), Parts(got), got[len(got)-3:])
	}
	longFa := string(repeat('س', 500))
	got = Truncate(longFa, 3)
	if r := []rune(got); Parts(got) != 3 || r[len(r)-1] != '…' || len(r) != 201 {
		t.Errorf("Truncate(UCS-2, 3) = %d runes, %d parts", len(r), Parts(got))
	}
	if got := Truncate("short", 1); got != "short" {
		t.Errorf("Truncate(short) = %q", got)
	}
}

func make160(r rune) []rune { return repeat(r, 160) }

func repeat(r rune, n int) []rune {
	out := make([]rune, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// FuzzParse checks that any text parses without panicking, that a post is
// the text itself, and that a command's name is a single word.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"FOLLOW bob", "D bob hi there", "@bob hi", "تابع bob", "۱۲۳۴۵۶", "STOP.", "", " \n", "خصوصی bob سلام"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Parse(s)
		if c.Kind == Post && c.Text != strings.TrimSpace(s) {
			t.Errorf("Parse(%q): post text %q", s, c.Text)
		}
		if strings.ContainsFunc(c.Name, unicode.IsSpace) {
			t.Errorf("Parse(%q): name %q has a space", s, c.Name)
		}
		if c.Kind == Code && !isCode(c.Text) {
			t.Errorf("Parse(%q): code %q", s, c.Text)
		}
	})
}
