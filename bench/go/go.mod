module leakguard/bench/go

go 1.19
