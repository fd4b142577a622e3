import sys,re,collections,glob,os
keys=['snapshotToRawKeyedState','StateCache.flush','RocksDB.get','RocksDB.put','RocksDB.write','processElement','onTimer','onEventTime','advanceWatermark','InternalTimerServiceImpl','HeapPriorityQueue','emitWatermark','Avro','RuleEngine','cel','SpecificDatumWriter','SpecificDatumReader','LinkedHashMap','StateCache.put','StateCache.get']
for f in sorted(glob.glob(sys.argv[1]+'/*.collapsed')):
    th=collections.Counter(); jk=collections.Counter(); jt=0
    for l in open(f):
        stack,_,n=l.rstrip().rpartition(' '); n=int(n)
        t=stack.split(';')[0]
        tn=re.sub(r'\d+','N',t.split(' tid=')[0])[:28]
        th[tn]+=n
        if t.startswith('[journey'):
            jt+=n
            for k in keys:
                if k in stack: jk[k]+=n
    tot=sum(th.values())
    print(os.path.basename(f), 'samples',tot, 'journey',jt)
    print('   threads:', ', '.join('%s %d'%(k,v) for k,v in th.most_common(8)))
    print('   journey:', ', '.join('%s %.1f%%'%(k,100*v/jt) for k,v in jk.most_common() if jt))
