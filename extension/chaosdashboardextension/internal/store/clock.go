package store

// clock is the data time of one kind of record per retention class: the
// newest time seen. Retention is measured back from it, not from the wall
// clock, so that a replayed game day is kept as a live one would be.
type clock [classCount]int64

// advance moves class's clock to t when t is newer (moved: the caller then
// evicts) and returns the cutoff: a record of the class whose time is at
// or before it is out of retention.
func (c *clock) advance(cfg Config, class int, t int64) (cutoff int64, moved bool) {
	if t > c[class] {
		c[class] = t
		moved = true
	}
	return c[class] - int64(cfg.retention(class)), moved
}
