package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
)

// TestStatementCache checks the cache's edge cases on one connection: a
// query run again while its own rows are still open (it must run uncached,
// not reset the open rows), a failing statement, and the bound on size.
func TestStatementCache(t *testing.T) {
	ctx := context.Background()
	db, err := openCaching(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection, so every query shares its cache
	if _, err := db.ExecContext(ctx, `CREATE TABLE n (v INTEGER)`); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := db.ExecContext(ctx, `INSERT INTO n (v) VALUES (?)`, i); err != nil {
			t.Fatal(err)
		}
	}
	const q = `SELECT v FROM n WHERE v >= ? ORDER BY v`
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	outer, err := conn.QueryContext(ctx, q, 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for outer.Next() {
		var v int
		if err := outer.Scan(&v); err != nil {
			t.Fatal(err)
		}
		// The same text while outer is open.
		var first int
		if err := conn.QueryRowContext(ctx, q, v).Scan(&first); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d:%d", v, first))
	}
	if err := outer.Err(); err != nil {
		t.Fatal(err)
	}
	outer.Close()
	if want := "[0:0 1:1 2:2 3:3 4:4]"; fmt.Sprint(got) != want {
		t.Fatalf("nested reads of one statement: %v, want %s", got, want)
	}
	// Cached again after the outer rows closed, and with new arguments.
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM n WHERE v >= ?`, 3).Scan(&n); err != nil || n != 2 {
		t.Fatalf("count = %d, %v; want 2", n, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM n WHERE v >= ?`, 1).Scan(&n); err != nil || n != 4 {
		t.Fatalf("count = %d, %v; want 4", n, err)
	}
	if _, err := conn.ExecContext(ctx, `INSERT INTO nowhere VALUES (1)`); err == nil {
		t.Fatal("a statement on a missing table succeeded")
	}
	conn.Close()

	// Past the bound, queries still run, uncached.
	for i := range stmtCacheMax + 10 {
		if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT %d`, i)).Scan(&n); err != nil || n != i {
			t.Fatalf("SELECT %d = %d, %v", i, n, err)
		}
	}
}
