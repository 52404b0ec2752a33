package loadgen

import (
	"math/rand/v2"
	"strings"

	"github.com/sada-project/sada/internal/post"
)

// Phrases people post, by language. Arabic and Persian are the languages
// sada is built for; English is there because every instance has some.
var phrases = map[string][]string{
	"ar": {
		"انقطعت الكهرباء مرة أخرى في الحي",
		"الطريق إلى الجامعة مغلق منذ الصباح",
		"هل يعرف أحد صيدلية مفتوحة الآن؟",
		"الخبز متوفر في المخبز القريب من الساحة",
		"وصلنا بسلام والحمد لله",
		"الإنترنت بطيء جداً اليوم",
		"تجمع عند الساعة الخامسة أمام المكتبة",
		"شكراً لكل من ساعد في توزيع الماء",
		"المستشفى يحتاج متبرعين بالدم من فصيلة O",
		"لا تصدقوا الشائعات، انتظروا الخبر من مصدره",
	},
	"fa": {
		"برق محله دوباره رفت",
		"خیابان انقلاب از صبح بسته است",
		"کسی می\u200cداند کدام داروخانه باز است؟",
		"نان در نانوایی سر کوچه هست",
		"سالم رسیدیم، نگران نباشید",
		"اینترنت امروز خیلی کند است",
		"ساعت پنج جلوی کتابخانه جمع می\u200cشویم",
		"از همه\u200cی کسانی که آب پخش کردند ممنونیم",
		"بیمارستان به خون گروه O نیاز دارد",
		"شایعه\u200cها را باور نکنید، خبر را از منبعش بپرسید",
	},
	"en": {
		"Power is out again in our street",
		"The road to the university has been closed since morning",
		"Does anyone know a pharmacy that is open now?",
		"The bakery by the square has bread",
		"We arrived safely, thank you all",
		"The internet is very slow today",
		"Meeting at five in front of the library",
		"Thanks to everyone who helped hand out water",
		"The hospital needs blood donors, type O",
		"Do not trust rumours; wait for the source",
	},
}

// Hashtags by language; the Persian ones include compounds joined by a
// zero-width non-joiner, which must stay one tag.
var hashtags = map[string][]string{
	"ar": {"#الكهرباء", "#عاجل", "#القاهرة", "#بيروت", "#مساعدة", "#تحديث"},
	"fa": {"#تهران", "#اینترنت", "#کمک", "#خبر_فوری", "#می\u200cخواهیم", "#برق\u200cرفتگی"},
	"en": {"#update", "#help", "#power", "#news", "#traffic", "#SafeAndSound"},
}

var languages = []string{"ar", "ar", "ar", "ar", "fa", "fa", "fa", "en", "en", "en"}

// Texts makes realistic posts: one or two sentences in Arabic, Persian or
// English, with hashtags, sometimes a mention of another account and
// sometimes a link, always within sada's 140 characters as sada counts them
// (a URL counts 23).
type Texts struct {
	rng *rand.Rand
	// Usernames are who may be mentioned; none when empty.
	Usernames []string
}

// NewTexts returns a generator seeded for repeatable runs.
func NewTexts(seed uint64, usernames []string) *Texts {
	return &Texts{rng: rand.New(rand.NewPCG(seed, seed^0x5ada)), Usernames: usernames}
}

// Next returns a post's text and its language code.
func (t *Texts) Next() (text, lang string) {
	lang = languages[t.rng.IntN(len(languages))]
	ps := phrases[lang]
	var parts []string
	if len(t.Usernames) > 0 && t.rng.IntN(10) < 3 {
		parts = append(parts, "@"+t.Usernames[t.rng.IntN(len(t.Usernames))])
	}
	parts = append(parts, ps[t.rng.IntN(len(ps))])
	if t.rng.IntN(2) == 0 {
		parts = append(parts, ps[t.rng.IntN(len(ps))])
	}
	tags := hashtags[lang]
	for range 1 + t.rng.IntN(2) {
		parts = append(parts, tags[t.rng.IntN(len(tags))])
	}
	if t.rng.IntN(5) == 0 {
		parts = append(parts, "https://example.org/news/"+randomWord(t.rng, 6))
	}
	text = strings.Join(parts, " ")
	// Drop from the middle until it fits; the first part (mention or
	// sentence) and the last (tag or link) make it recognisably a post.
	for post.Length(text) > post.MaxLength && len(parts) > 2 {
		parts = append(parts[:1], parts[2:]...)
		text = strings.Join(parts, " ")
	}
	return text, lang
}

// SearchTerm returns a word people would search for, in one of the languages.
func (t *Texts) SearchTerm() string {
	terms := []string{"الكهرباء", "الإنترنت", "صيدلية", "برق", "اینترنت", "داروخانه", "internet", "pharmacy", "bakery"}
	return terms[t.rng.IntN(len(terms))]
}

func randomWord(rng *rand.Rand, n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rng.IntN(len(letters))]
	}
	return string(b)
}
