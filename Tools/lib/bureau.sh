# Sourced by Tools/load.sh and Tools/schemathesis.sh: a small generated bureau in "$work" with
# the binary "$J", and a credential maker. Sets JIANGUAN_NOW and JIANGUAN_DB.
#   make_bureau PAYMENTS STUDENTS
make_bureau() {
  python3 Tools/gen_dataset.py --out "$work/data" --payments "$1" --students "$2" --institutions 20 \
    --lesson-share 0 --refund-share 0 >"$work/gen.txt"
  export JIANGUAN_NOW
  JIANGUAN_NOW=$(sed -n 's/^now=\([^ ]*\).*/\1/p' "$work/gen.txt")
  export JIANGUAN_DB="$work/ledger.sqlite"
  "$J" init --authority 合肥市教育局 --region 340100 >/dev/null
  if [ -f "$work/data/calendar.csv" ]; then "$J" calendar import "$work/data/calendar.csv" >/dev/null; fi
  for kind in institutions venues teachers courses classes parents students; do
    "$J" import registry "$kind" "$work/data/$kind.csv" >/dev/null
  done
}

# The token of a newly issued credential: token --role bank --bank NAME
token() { "$J" credential issue "$@" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'; }
