# A private single-node Slurm for the tests (sourced): munged, slurmctld and slurmd started in
# $SLURM_DIR with their own keys, sockets, ports, state and logs; slurm_down stops exactly them.
# Clients use SLURM_CONF=$SLURM_DIR/slurm.conf (exported by slurm_up).
free_port() {
    "${PYTHON:-python3}" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

slurm_up() {
    local d=$SLURM_DIR host
    host=$(hostname -s)
    mkdir -p "$d/munge" "$d/state" "$d/spool"
    chmod 700 "$d/munge"
    dd if=/dev/urandom of="$d/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$d/munge/munge.key"
    munged --socket="$d/munge/munge.socket" --pid-file="$d/munge/munged.pid" \
        --log-file="$d/munge/munged.log" --seed-file="$d/munge/munged.seed" \
        --key-file="$d/munge/munge.key" -f
    cat > "$d/slurm.conf" <<CONF
ClusterName=micatest
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/slurmctld.log
SlurmdLogFile=$d/slurmd.log
AuthType=auth/munge
AuthInfo=socket=$d/munge/munge.socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName=$host CPUs=2 RealMemory=1000 State=UNKNOWN
PartitionName=mica Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
    export SLURM_CONF=$d/slurm.conf
    slurmctld -f "$d/slurm.conf" -i
    slurmd -f "$d/slurm.conf"
    local t
    for t in $(seq 1 60); do   # the node registers within seconds
        if sinfo -h -o %T 2>/dev/null | grep -qx idle; then return 0; fi
        sleep 1
    done
    echo "slurm_up: the node did not become idle in 60 s; logs in $d" >&2
    return 1
}

slurm_down() {
    local f pid
    for f in "$SLURM_DIR/slurmd.pid" "$SLURM_DIR/slurmctld.pid" "$SLURM_DIR/munge/munged.pid"; do
        [ -s "$f" ] || continue
        pid=$(cat "$f")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
}
