// The console's words in English and Simplified Chinese, chosen from the browser's languages, switchable.

const WORDS = {
  en: {
    title: 'Granary console',
    signInTitle: 'Sign in',
    accessKey: 'Access key',
    secret: 'Secret key',
    signIn: 'Sign in',
    signOut: 'Sign out',
    signedInAs: 'Signed in as',
    sessionUntil: 'session until',
    buckets: 'Buckets',
    name: 'Name',
    created: 'Created',
    actions: 'Actions',
    delete: 'Delete',
    newBucket: 'New bucket name',
    create: 'Create bucket',
    noBuckets: 'No buckets yet.',
    refresh: 'Refresh',
    language: 'Language',
    failed: 'Failed',
  },
  'zh-CN': {
    title: 'Granary 控制台',
    signInTitle: '登录',
    accessKey: '访问密钥 ID',
    secret: '访问密钥',
    signIn: '登录',
    signOut: '退出登录',
    signedInAs: '当前用户',
    sessionUntil: '会话有效期至',
    buckets: '存储桶',
    name: '名称',
    created: '创建时间',
    actions: '操作',
    delete: '删除',
    newBucket: '新存储桶名称',
    create: '创建存储桶',
    noBuckets: '还没有存储桶。',
    refresh: '刷新',
    language: '语言',
    failed: '失败',
  },
};

let current = (navigator.languages || [navigator.language || 'en'])
  .map(l => (l.toLowerCase().startsWith('zh') ? 'zh-CN' : l.toLowerCase().startsWith('en') ? 'en' : null))
  .find(l => l !== null) || 'en';

export function language() {
  return current;
}

export function setLanguage(lang) {
  current = WORDS[lang] ? lang : 'en';
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll('[data-t]')) {
    el.textContent = t(el.dataset.t);
  }
  for (const el of document.querySelectorAll('[data-t-placeholder]')) {
    el.placeholder = t(el.dataset.tPlaceholder);
  }
  document.title = t('title');
}

export function t(key) {
  return (WORDS[current] && WORDS[current][key]) || WORDS.en[key] || key;
}
