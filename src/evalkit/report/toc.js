(function () {
  var toc = document.querySelector('#evk-toc ol');
  if (!toc) { return; }
  var n = 0;
  document.querySelectorAll('main h2, main h3').forEach(function (h) {
    n += 1;
    if (!h.id) { h.id = 'sec-' + n; }
    var li = document.createElement('li');
    var a = document.createElement('a');
    a.href = '#' + h.id;
    a.textContent = h.textContent.replace(/¶$/, '');
    li.appendChild(a);
    toc.appendChild(li);
  });
  if (n === 0) { document.getElementById('evk-toc').style.display = 'none'; }
})();
