package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"lookout/internal/backend"
	"lookout/internal/errortrack"
	"lookout/internal/store"
)

// adminFlags are the flags of `lookout project create` and `lookout token
// create`: the metadata store of a stopped lookout (DuckDB allows one
// process per file; an external one may be shared) or the URL of a running
// one.
type adminFlags struct {
	dataDir string
	meta    string
	server  string
}

func (a *adminFlags) register(fs *flag.FlagSet) {
	def := os.Getenv("LOOKOUT_DATA_DIR")
	if def == "" {
		def = "lookout-data"
	}
	fs.StringVar(&a.dataDir, "data-dir", def, "data directory of a stopped lookout (env LOOKOUT_DATA_DIR)")
	fs.StringVar(&a.meta, "meta", os.Getenv("LOOKOUT_META"), "metadata store, as lookout serve's --meta (env LOOKOUT_META; empty: the one in --data-dir)")
	fs.StringVar(&a.server, "server", "", "URL of a running lookout, e.g. http://127.0.0.1:8686 (call from its machine: loopback only; with --api-keys set LOOKOUT_API_KEY to a key for every project)")
}

// runProjectCreate is `lookout project create --name NAME`.
func runProjectCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("project create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var a adminFlags
	a.register(fs)
	name := fs.String("name", "", "project name (letters, digits, '.', '_', '-')")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name == "" {
		return errors.New("project create: --name is required")
	}
	if a.server != "" {
		var out map[string]any
		if err := postAdmin(ctx, a.server+"/api/errors/projects", map[string]any{"name": *name}, &out); err != nil {
			return fmt.Errorf("project create: %w", err)
		}
		fmt.Fprintf(stdout, "project %q created (id %v)\n", *name, out["id"])
		return nil
	}
	st, err := a.openMeta(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := st.CreateProject(ctx, *name)
	if err != nil {
		return fmt.Errorf("project create: %w", err)
	}
	fmt.Fprintf(stdout, "project %q created (id %d)\n", p.Name, p.ID)
	return nil
}

// runTokenCreate is `lookout token create --project P --scopes S [--name N]`.
// It prints the token once; only its hash is stored.
func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var a adminFlags
	a.register(fs)
	project := fs.String("project", "default", "project the token belongs to")
	name := fs.String("name", "", "a label for the token")
	scopes := fs.String("scopes", "post_server_item", "comma-separated: post_server_item, post_client_item, read, write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if a.server != "" {
		var out map[string]any
		body := map[string]any{"project": *project, "name": *name, "scopes": strings.Split(*scopes, ",")}
		if err := postAdmin(ctx, a.server+"/api/errors/tokens", body, &out); err != nil {
			return fmt.Errorf("token create: %w", err)
		}
		fmt.Fprintln(stdout, out["token"])
		return nil
	}
	st, err := a.openMeta(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	_, secret, err := errortrack.IssueToken(ctx, st, *project, *name, *scopes)
	if err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

// openMeta opens the metadata store the flags name.
func (a adminFlags) openMeta(ctx context.Context) (store.Meta, error) {
	cfg := backend.DefaultConfig()
	cfg.DataDir, cfg.Meta = a.dataDir, a.meta
	st, err := backend.OpenMeta(ctx, cfg)
	if err != nil && a.meta == "" {
		return nil, fmt.Errorf("%w (is lookout running on %s? then pass --server http://127.0.0.1:8686)", err, a.dataDir)
	}
	return st, err
}

// postAdmin posts JSON to a running lookout and decodes its reply.
func postAdmin(ctx context.Context, url string, in, out any) error {
	b, _ := json.Marshal(in)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	withAPIKey(req)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(raw)))
	}
	return json.Unmarshal(raw, out)
}
