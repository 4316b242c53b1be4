// Package etcdtest runs a real etcd cluster for tests: several embedded
// members (go.etcd.io/etcd/server/v3/embed) on loopback ports, each in a
// child process of the test binary. Only tests import it.
package etcdtest // import "github.com/otelcol-chaos/otelcol-chaos/internal/etcdtest"

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.etcd.io/etcd/server/v3/embed"
)

// Cluster is a real etcd cluster of several embedded members
// (go.etcd.io/etcd/server/v3/embed), each on its own loopback ports, with
// fast raft timing so tests run in seconds.
//
// Each member runs in a child process (this test binary, re-executed):
// etcd leaves peer HTTP connections open after Close, which would trip
// goleak here, and a member process can be killed like a real one.
type Cluster struct {
	members []*exec.Cmd
	// Endpoints are the members' client addresses (host:port).
	Endpoints []string
}

// memberEnv carries a member's configuration to the child process.
const memberEnv = "COORDINATOR_TEST_ETCD_MEMBER"

type etcdMemberConfig struct {
	Name, Dir, Peer, Client, Initial string
}

func freeLoopbackURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr
}

// Start starts a cluster of size members and waits until every one serves.
func Start(t *testing.T, size int) *Cluster {
	t.Helper()
	peers, clients := make([]string, size), make([]string, size)
	var initial []string
	for i := range size {
		peers[i], clients[i] = freeLoopbackURL(t), freeLoopbackURL(t)
		initial = append(initial, fmt.Sprintf("m%d=%s", i, peers[i]))
	}
	c := &Cluster{}
	ready := make(chan error, size)
	for i := range size {
		mc, err := json.Marshal(etcdMemberConfig{Name: fmt.Sprintf("m%d", i), Dir: t.TempDir(), Peer: peers[i],
			Client: clients[i], Initial: strings.Join(initial, ",")})
		require.NoError(t, err)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), memberEnv+"="+string(mc))
		cmd.Stderr = os.Stderr
		stdout, err := cmd.StdoutPipe()
		require.NoError(t, err)
		_, err = cmd.StdinPipe() // the member exits when this process dies and the pipe closes
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		c.members = append(c.members, cmd)
		c.Endpoints = append(c.Endpoints, strings.TrimPrefix(clients[i], "http://"))
		go func() {
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err == nil && strings.TrimSpace(line) != "ready" {
				err = fmt.Errorf("member said %q", line)
			}
			ready <- err
			_, _ = io.Copy(io.Discard, stdout)
		}()
	}
	for range size {
		select {
		case err := <-ready:
			if err != nil {
				c.Close()
				t.Fatalf("embedded etcd member failed to start: %v", err)
			}
		case <-time.After(30 * time.Second):
			c.Close()
			t.Fatal("embedded etcd cluster not ready in 30s")
		}
	}
	return c
}

// Close kills every member.
func (c *Cluster) Close() {
	for _, cmd := range c.members {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
}

// RunMemberIfChild must be the first thing TestMain does: in a child
// process started by Start, it runs one embedded etcd member (printing
// "ready" once it serves) until its stdin closes, and exits.
func RunMemberIfChild() {
	raw := os.Getenv(memberEnv)
	if raw == "" {
		return
	}
	var mc etcdMemberConfig
	if err := json.Unmarshal([]byte(raw), &mc); err != nil {
		fmt.Fprintln(os.Stderr, "bad member config:", err)
		os.Exit(2)
	}
	parse := func(s string) []url.URL {
		u, err := url.Parse(s)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		return []url.URL{*u}
	}
	cfg := embed.NewConfig()
	cfg.Name, cfg.Dir = mc.Name, mc.Dir
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = parse(mc.Peer), parse(mc.Peer)
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = parse(mc.Client), parse(mc.Client)
	cfg.InitialCluster, cfg.InitialClusterToken = mc.Initial, "coordinator-test"
	cfg.ClusterState = embed.ClusterStateFlagNew
	cfg.TickMs, cfg.ElectionMs = 100, 1000 // etcd's defaults: stable under a loaded test machine
	cfg.LogLevel, cfg.LogOutputs = "error", []string{"stderr"}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting etcd:", err)
		os.Exit(1)
	}
	select {
	case <-e.Server.ReadyNotify():
		fmt.Println("ready")
	case err := <-e.Err():
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(1)
	}
	_, _ = io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}
