// kube-apiserver built from the pinned k8s.io/kubernetes module (see go.mod and ../../kube.pin.json)
// for fleetload's integration tests. The body mirrors upstream cmd/kube-apiserver/apiserver.go so the
// binary behaves like the released one; the blank imports are upstream's too (JSON logs, client-go
// and version metrics on /metrics, time zones for CronJob).
package main

import (
	"os"
	_ "time/tzdata"

	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"
	_ "k8s.io/component-base/metrics/prometheus/clientgo"
	_ "k8s.io/component-base/metrics/prometheus/version"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
)

func main() {
	os.Exit(cli.Run(app.NewAPIServerCommand()))
}
