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
    allBuckets: 'All buckets',
    upload: 'Upload files',
    dropHere: 'or drop files and folders here',
    overall: 'All uploads',
    shareFor: 'Link valid for',
    oneHour: '1 hour',
    oneDay: '1 day',
    sevenDays: '7 days',
    copy: 'Copy',
    size: 'Size',
    modified: 'Last modified',
    nextPage: 'Next page',
    open: 'Open',
    download: 'Download',
    share: 'Share',
    cancel: 'Cancel',
    retry: 'Retry',
    done: 'done',
    cancelled: 'cancelled',
    page: 'Page',
    versioning: 'Versioning',
    versions: 'Versions',
    versionId: 'Version',
    details: 'Details',
    close: 'Close',
    restore: 'Restore',
    latest: 'latest',
    deleteMarker: 'delete marker',
    contentType: 'Content type',
    etag: 'ETag',
    metadata: 'Metadata',
    tags: 'Tags',
    checksums: 'Checksums',
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
    allBuckets: '全部存储桶',
    upload: '上传文件',
    dropHere: '或将文件和文件夹拖放到这里',
    overall: '全部上传',
    shareFor: '链接有效期',
    oneHour: '1 小时',
    oneDay: '1 天',
    sevenDays: '7 天',
    copy: '复制',
    size: '大小',
    modified: '最后修改时间',
    nextPage: '下一页',
    open: '打开',
    download: '下载',
    share: '分享',
    cancel: '取消',
    retry: '重试',
    done: '完成',
    cancelled: '已取消',
    page: '页',
    versioning: '版本控制',
    versions: '版本',
    versionId: '版本',
    details: '详情',
    close: '关闭',
    restore: '恢复',
    latest: '最新',
    deleteMarker: '删除标记',
    contentType: '内容类型',
    etag: 'ETag',
    metadata: '元数据',
    tags: '标签',
    checksums: '校验和',
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
