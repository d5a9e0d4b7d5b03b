# Loss values and gradients on fixed inputs.
from mxnet import np, npx, autograd, gluon
from mxnet.gluon import loss as gloss
npx.set_np()


def run(name, lossfn, pred, label, *extra):
    pred = np.array(pred)
    label = np.array(label)
    pred.attach_grad()
    with autograd.record():
        l = lossfn(pred, label, *extra)
    l.backward()
    print(name, l.shape)
    print(repr(l))
    print(repr(pred.grad))


pred = [[0.5, -1.0, 2.0], [0.0, 0.25, -0.75]]
target = [[1.0, 0.0, 1.5], [-1.0, 0.5, 0.0]]
run('L2Loss', gloss.L2Loss(), pred, target)
run('L2Loss(weight=2)', gloss.L2Loss(weight=2.0), pred, target)
run('L1Loss', gloss.L1Loss(), pred, target)
run('L2Loss 1-D', gloss.L2Loss(), [0.5, 1.0], [0.0, 3.0])
run('L2Loss sample_weight', gloss.L2Loss(), pred, target, np.array([[1.0], [0.0]]))

logits = [[1.0, 2.0, 0.5], [0.1, -0.3, 3.0], [0.0, 0.0, 0.0]]
run('SoftmaxCE sparse', gloss.SoftmaxCrossEntropyLoss(), logits, [1, 2, 0])
run('SoftmaxCE sparse float label', gloss.SoftmaxCrossEntropyLoss(), logits, [1.0, 2.0, 0.0])
run('SoftmaxCE dense', gloss.SoftmaxCrossEntropyLoss(sparse_label=False), logits,
    [[0.0, 1.0, 0.0], [0.2, 0.3, 0.5], [1.0, 0.0, 0.0]])
run('SoftmaxCE from_logits', gloss.SoftmaxCrossEntropyLoss(from_logits=True),
    [[-0.5, -1.2, -2.0], [-0.1, -3.0, -2.5]], [0, 2])

bin_pred = [[0.3, -1.2], [2.5, 0.2]]  # (pred == 0 exactly: see 91_quirk_kinks)
bin_label = [[1.0, 0.0], [0.0, 1.0]]
run('SigmoidBCE', gloss.SigmoidBinaryCrossEntropyLoss(), bin_pred, bin_label)
run('SigmoidBCE from_sigmoid', gloss.SigmoidBinaryCrossEntropyLoss(from_sigmoid=True),
    [[0.3, 0.9], [0.5, 0.1]], bin_label)

print(gloss.L2Loss())
print(gloss.SoftmaxCrossEntropyLoss())
print(gloss.SoftmaxCELoss is gloss.SoftmaxCrossEntropyLoss)
print(gloss.SigmoidBCELoss is gloss.SigmoidBinaryCrossEntropyLoss)
print(gloss.L2Loss().name, gloss.L1Loss().name, gloss.SoftmaxCrossEntropyLoss().name)
print(gluon.loss.Loss.__name__)
