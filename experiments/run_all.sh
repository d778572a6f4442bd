#!/usr/bin/env bash
# Every study, in order: the sweeps (hours on a 2-core CPU), then the generated
# reports. Needs ../shared/data (or $PARATAG_SHARED_DATA). Run from the repository root:
#   bash experiments/run_all.sh [STUDY...]      (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PARATAG=${PARATAG:-.venv/bin/paratag}
studies=${*:-baselines levers transfer encoders context learning_curve errors benchmark}

for study in $studies; do
  case $study in
  transfer)
    $PY -m paratag.train -m experiment=repo_cv,authored_to_real,real_to_authored model=ngram,ngram_sequence \
      hydra.sweep.dir=outputs/sweeps/transfer
    $PY -m paratag.train -m experiment=real_cv data=real_plus_authored model=ngram \
      hydra.sweep.dir=outputs/sweeps/transfer 'name=real_plus_authored/${hydra:runtime.choices.model}'
    $PARATAG report outputs/sweeps/transfer outputs/sweeps/baselines outputs/shipped_model -o experiments/transfer/results \
      --title "Authored versus real training data" \
      --include 'repo_cv/*' 'authored_to_real/*' 'real_to_authored/*' 'real_plus_authored/*' \
      'baselines/ngram' 'baselines/ngram_sequence' 'shipped_model'
    ;;
  baselines)  # make model: the shipped model's cross-validation (3 folds, with augmentation and authored pages)
    $PY -m paratag.train -m experiment=baselines seed=0 model=rules,justext,line_filter,ngram,hashed_sequence
    make model
    $PARATAG report outputs/sweeps/baselines outputs/shipped_model -o experiments/baselines/results \
      --title "Baselines on the real corpus"
    ;;
  levers)  # after baselines: what augmentation and oversampling pages with appeals buy
    $PY -m paratag.train -m experiment=levers model=ngram,hashed_sequence augment=resegment
    $PY -m paratag.train experiment=shipped_model augment=null save_model=false \
      hydra.run.dir=outputs/levers/shipped_model_no_augment name=levers/shipped_model_no_augment
    $PY -m paratag.train experiment=shipped_model model.reader.oversample=3 \
      hydra.run.dir=outputs/levers/shipped_model_oversample name=levers/shipped_model_oversample
    $PARATAG report outputs/sweeps/levers outputs/sweeps/baselines outputs/shipped_model outputs/levers \
      -o experiments/levers/results --title "What each lever buys" \
      --include 'levers/*' 'baselines/ngram' 'baselines/hashed_sequence' 'shipped_model'
    ;;
  encoders)  # per-language scores of the English and the multilingual encoder (hours of embedding on a CPU)
    $PY -m paratag.train -m experiment=baselines seed=0 model=frozen_minilm,frozen_e5
    $PY experiments/encoders/languages.py outputs/sweeps/baselines outputs/shipped_model --metric macro_f1
    $PY experiments/encoders/languages.py outputs/sweeps/baselines outputs/shipped_model --metric token_f1
    ;;
  context)
    $PY -m paratag.train -m experiment=context model=ngram,frozen_minilm model.neighbours=0,1 model.layout=false,true
    $PY -m paratag.train -m experiment=context model=ngram_sequence model.reader.context=none,gru model.layout=false,true
    $PARATAG report outputs/sweeps/context -o experiments/context/results --title "What context buys"
    ;;
  learning_curve)
    $PY -m paratag.train -m experiment=learning_curve model=ngram,ngram_sequence train_documents=16,32,64,128,256
    $PY -m paratag.train -m experiment=learning_curve_authored model=ngram,ngram_sequence train_documents=16,32,64,128,160
    $PARATAG report outputs/sweeps/learning_curve outputs/sweeps/baselines --include 'learning_curve/*' 'baselines/ngram' 'baselines/ngram_sequence' -o experiments/learning_curve/results --title "Learning curves"
    ;;
  errors)
    $PY experiments/errors/analyse.py outputs/sweeps/baselines outputs/shipped_model --model shipped_model
    $PY experiments/errors/fundraising.py outputs/shipped_model
    $PY experiments/errors/reported_cases.py
    ;;
  benchmark)
    $PY experiments/benchmark/benchmark.py
    ;;
  *) echo "unknown study $study" >&2; exit 2 ;;
  esac
done
$PY experiments/update_readme.py
