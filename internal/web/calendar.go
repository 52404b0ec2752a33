package web

// solarHijri converts a Gregorian date to the Solar Hijri (Jalali) calendar
// used in Iran and Afghanistan, by the 33-year arithmetic rule. Checked
// day by day against ICU, and so against browsers' Intl, which the script
// uses for tooltips: they agree on every day from 1900 to 2123.
func solarHijri(gy, gm, gd int) (jy, jm, jd int) {
	daysBefore := [...]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}
	if gy > 1600 {
		jy = 979
		gy -= 1600
	} else {
		gy -= 621
	}
	gy2 := gy
	if gm > 2 {
		gy2++
	}
	days := 365*gy + (gy2+3)/4 - (gy2+99)/100 + (gy2+399)/400 - 80 + gd + daysBefore[gm-1]
	jy += 33 * (days / 12053)
	days %= 12053
	jy += 4 * (days / 1461)
	days %= 1461
	if days > 365 {
		jy += (days - 1) / 365
		days = (days - 1) % 365
	}
	if days < 186 {
		return jy, 1 + days/31, 1 + days%31
	}
	return jy, 7 + (days-186)/30, 1 + (days-186)%30
}
