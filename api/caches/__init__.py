"""What is kept between requests (pages, feeds, base maps, prints) and the bounded work behind it."""
