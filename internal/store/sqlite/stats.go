package sqlite

import "database/sql"

// DBStats reports the connection pools' statistics: the writer's WaitCount
// and WaitDuration show how much work queues for SQLite's single writer.
func (s *Store) DBStats() (writer, reader sql.DBStats) {
	return s.w.Stats(), s.r.Stats()
}
