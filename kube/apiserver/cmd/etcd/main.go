// etcd at the exact version k8s.io/kubernetes pins in its go.mod (the go.etcd.io/etcd/server/v3
// line of ../../go.mod), so the tests need no etcd package from the OS. etcdmain is etcd's own
// command line, so the flags are the documented etcd ones.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
