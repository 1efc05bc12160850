// Command stubembed serves the deterministic stand-in embedder of package
// aitest on a local address, for the semantic search benchmark: the
// figures are about mem0's own work, not a provider's.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/mem0dev/mem0/ai/aitest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "address to listen on")
	dims := flag.Int("dims", 768, "dimensions of the vectors")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	// The address goes to stdout so a script can read it.
	fmt.Fprintf(os.Stdout, "http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, &aitest.Embedder{Dims: *dims}))
}
