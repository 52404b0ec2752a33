package loadgen

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
)

// Account is one seeded account as the load tool knows it.
type Account struct {
	ID        string `json:"id"`
	Username  string `json:"username"`
	Token     string `json:"token"`
	Followers int    `json:"followers"`
	Following int    `json:"following"`
}

// Population is what a seed made: the accounts with their tokens and the
// follow graph's shape, saved so that later runs need not seed again.
type Population struct {
	Target   string    `json:"target"` // the server it was seeded on
	Accounts []Account `json:"accounts"`
	Posts    int       `json:"posts"`
	// Follows[i] lists the indexes of the accounts account i follows.
	Follows [][]int `json:"follows,omitempty"`
}

// Save writes the population as JSON, readable only by its owner: it holds
// every account's token.
func (p *Population) Save(path string) error {
	b, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("save population: %w", err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		return fmt.Errorf("save population: %w", err)
	}
	return nil
}

// LoadPopulation reads a population saved by Save.
func LoadPopulation(path string) (*Population, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load population: %w", err)
	}
	var p Population
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("load population %s: %w", path, err)
	}
	if len(p.Accounts) == 0 {
		return nil, fmt.Errorf("load population %s: no accounts", path)
	}
	return &p, nil
}

// Authors returns the indexes of accounts whose follower count is nearest
// to followers: those within a factor of two, or failing that the closest
// few, so a "posts by accounts with 100 followers" workload is what it says.
func (p *Population) Authors(followers int) []int {
	var out []int
	for i, a := range p.Accounts {
		if a.Followers*2 >= followers && a.Followers <= followers*2 {
			out = append(out, i)
		}
	}
	if len(out) > 0 {
		return out
	}
	idx := make([]int, len(p.Accounts))
	for i := range idx {
		idx[i] = i
	}
	dist := func(i int) int { return abs(p.Accounts[i].Followers - followers) }
	slices.SortFunc(idx, func(a, b int) int { return dist(a) - dist(b) })
	return idx[:min(len(idx), 10)]
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// Graph is a follow graph over accounts 0..N-1.
type Graph struct {
	// Follows[i] lists whom account i follows, without repeats or itself.
	Follows [][]int
	// Followers[j] counts who follows account j.
	Followers []int
}

// PowerLawGraph makes a follow graph with a power-law spread of followers,
// as social networks have: account popularity falls off as 1/rank^alpha
// (alpha about 1), so most accounts have tens of followers and a few have a
// large share of everyone. Each account follows a number of accounts drawn
// around meanFollows (log-normal, so some follow many), chosen by
// popularity. The same seed gives the same graph.
func PowerLawGraph(seed uint64, n, meanFollows int, alpha float64) Graph {
	rng := rand.New(rand.NewPCG(seed, seed^0xf011))
	g := Graph{Follows: make([][]int, n), Followers: make([]int, n)}
	if n < 2 {
		return g
	}
	// Popularity by rank, the ranks shuffled over the accounts so that
	// account order (and so creation time) says nothing of popularity.
	rank := rng.Perm(n)
	cum := make([]float64, n)
	total := 0.0
	for j := range n {
		total += 1 / math.Pow(float64(rank[j]+1), alpha)
		cum[j] = total
	}
	// A log-normal with median meanFollows/1.3 and sigma 0.7 has mean ≈ meanFollows.
	mu, sigma := math.Log(float64(meanFollows)/1.28), 0.7
	seen := make(map[int]bool)
	for i := range n {
		k := int(math.Round(math.Exp(mu + sigma*rng.NormFloat64())))
		k = min(max(k, 1), (n-1)/2)
		clear(seen)
		for tries := 0; len(g.Follows[i]) < k && tries < 20*k; tries++ {
			j, _ := slices.BinarySearch(cum, rng.Float64()*total)
			j = min(j, n-1)
			if j == i || seen[j] {
				continue
			}
			seen[j] = true
			g.Follows[i] = append(g.Follows[i], j)
			g.Followers[j]++
		}
	}
	return g
}
