package social

// Publishers hands each event to several publishers in turn (the streaming
// hub, SMS), so that each surface listens without knowing of the others.
// Nil entries are skipped; each publisher must not block, as for Publisher.
type Publishers []Publisher

// Publish passes e to every publisher.
func (ps Publishers) Publish(e Event) {
	for _, p := range ps {
		if p != nil {
			p.Publish(e)
		}
	}
}

// With returns p with more publishers added, for wiring one surface after
// another: svc.Events = social.With(svc.Events, sms).
func With(p Publisher, more ...Publisher) Publisher {
	out := Publishers{p}
	if ps, ok := p.(Publishers); ok {
		out = append(Publishers(nil), ps...)
	}
	return append(out, more...)
}
