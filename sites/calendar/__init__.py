"""The calendar (issue 24): the Vietnamese lunar calendar (UTC+7), national days as data, each site's events
expanded into dated occurrences for the next years, and the iCalendar feeds made from them."""
