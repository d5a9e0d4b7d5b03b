# QUIRK (see README): sub-gradient choices of MXNet at exact ties/kinks.
from mxnet import np, npx, autograd, gluon
npx.set_np()

x = np.array([-1.0, 0.0, 1.0])
x.attach_grad()
with autograd.record():
    y = np.maximum(x, 0).sum()
y.backward()
print('maximum(x, 0) at a tie gives the gradient to x:', repr(x.grad))

# SigmoidBCE is relu(p) - p*l + softrelu(-|p|): at p == 0 MXNet's gradient is
# (0 - l + 0), not sigmoid(0) - l
p = np.array([[0.0, 0.0]])
p.attach_grad()
with autograd.record():
    loss = gluon.loss.SigmoidBinaryCrossEntropyLoss()(p, np.array([[1.0, 0.0]]))
loss.backward()
print(repr(loss))
print(repr(p.grad))
